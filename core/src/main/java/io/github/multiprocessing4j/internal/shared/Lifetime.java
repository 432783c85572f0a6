package io.github.multiprocessing4j.internal.shared;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The references to one object hosted here (SPEC M9), as Python's manager server counts them:
 * the copies of its handle in this JVM, the processes below that hold a copy, the copies in
 * flight (serialized, not yet deserialized anywhere), and the calls being performed on it. Once
 * none is left the object is freed, unless it is pinned (a manager's objects, a pool's board),
 * which only an explicit {@link SharedObjects#free} or the end of the JVM frees.
 *
 * <p>A call that begins while the object is being freed fails, as one on a freed object does;
 * a call that began first keeps it: {@link #enter()} and {@link #tryFree()} decide which came
 * first without a lock on the call's path (an atomic counter and a volatile flag, the second
 * checked under the lock only when it looks set).
 */
final class Lifetime {

    /** Whether the object lives whatever its references, until freed explicitly. */
    final boolean pinned;
    private final AtomicInteger active = new AtomicInteger();
    private volatile boolean freed;
    /** Whether no reference is left (calls may be): read without the lock when a call ends. */
    private volatile boolean unreferenced;
    // guarded by this
    private int copies;
    private int inFlight;
    private final Set<String> holders = new HashSet<>();
    /** By child key: copies in the task of a child it has not deserialized yet. */
    private final Map<String, Integer> expected = new HashMap<>(2);

    Lifetime(boolean pinned) {
        this.pinned = pinned;
    }

    /**
     * A call begins.
     *
     * @return false if the object is freed (then the call must fail)
     */
    boolean enter() {
        active.incrementAndGet();
        if (freed) {
            synchronized (this) {
                // tryFree may have set the flag and be about to take it back: its decision is final here
                if (freed) {
                    active.decrementAndGet();
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * A call ends.
     *
     * @return whether the object may be freed now
     */
    boolean exit() {
        return active.decrementAndGet() == 0 && unreferenced && !pinned;
    }

    synchronized void addCopy() {
        copies++;
        unreferenced = false;
    }

    synchronized boolean dropCopy() {
        copies = Math.max(0, copies - 1);
        return update();
    }

    synchronized void sent(int count) {
        inFlight = Math.max(0, inFlight + count);
        update();
    }

    /**
     * A process below holds a copy, {@code arrivals} of which came in flight (or in its task).
     */
    synchronized void hold(String caller, int arrivals) {
        holders.add(caller);
        unreferenced = false;
        arrived(caller, arrivals);
    }

    /** Copies arrived in a process below without changing whether it holds one. */
    synchronized boolean arrived(String caller, int arrivals) {
        for (int i = 0; i < arrivals; i++) {
            Integer waiting = expected.get(caller);
            if (waiting != null) {
                if (waiting <= 1) {
                    expected.remove(caller);
                } else {
                    expected.put(caller, waiting - 1);
                }
            } else if (inFlight > 0) {
                inFlight--;
            }
        }
        return update();
    }

    synchronized boolean unhold(String caller) {
        holders.remove(caller);
        return update();
    }

    /** A child was sent a copy in its task: it holds the object from its start. */
    synchronized void expect(String caller) {
        holders.add(caller);
        expected.merge(caller, 1, Integer::sum);
        unreferenced = false;
    }

    /** A process ended: what it and the processes below it held is gone. */
    synchronized boolean callerGone(String caller) {
        boolean changed = holders.removeIf(key -> SharedObjects.isWithin(key, caller));
        changed |= expected.keySet().removeIf(key -> SharedObjects.isWithin(key, caller));
        return changed && update();
    }

    /** Whether nothing references the object; notes it for {@link #exit()}. Holds the lock. */
    private boolean update() {
        unreferenced = copies == 0 && inFlight == 0 && holders.isEmpty() && expected.isEmpty();
        return unreferenced && !pinned;
    }

    /**
     * Marks the object freed if nothing references it and no call is in it.
     *
     * @return true once, for the caller that must free it
     */
    synchronized boolean tryFree() {
        if (freed || pinned || !update()) {
            return false;
        }
        freed = true;
        if (active.get() != 0) {
            // a call began meanwhile: it keeps the object, and frees it when it ends
            freed = false;
            return false;
        }
        return true;
    }

    /** Marks the object freed whatever references it: an explicit free. */
    synchronized void forceFree() {
        freed = true;
    }

    synchronized String describe() {
        return "copies=" + copies + " holders=" + holders + " inFlight=" + inFlight + " expected=" + expected
                + " active=" + active.get() + (pinned ? " pinned" : "");
    }
}
