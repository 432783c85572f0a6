package io.github.multiprocessing4j.internal.shared;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The references to one object hosted here (SPEC M9), as Python's manager server counts them:
 * the copies of its handle in this JVM, the processes below that hold a copy, and the copies in
 * flight (serialized, not yet deserialized anywhere). Once none is left the object is freed,
 * unless it is pinned (a manager's objects, a pool's board), which only an explicit
 * {@link SharedObjects#free} or the end of the JVM frees. Calls are not counted: the path of a
 * call costs nothing more (see {@code SharedObjects.invoke} why none is needed).
 */
final class Lifetime {

    /** Whether the object lives whatever its references, until freed explicitly. */
    final boolean pinned;
    // guarded by this
    private boolean freed;
    private int copies;
    private int inFlight;
    private final Set<String> holders = new HashSet<>();
    /** By child key: copies in the task of a child it has not deserialized yet. */
    private final Map<String, Integer> expected = new HashMap<>(2);

    Lifetime(boolean pinned) {
        this.pinned = pinned;
    }

    synchronized void addCopy() {
        copies++;
    }

    synchronized boolean dropCopy() {
        copies = Math.max(0, copies - 1);
        return update();
    }

    synchronized boolean sent(int count) {
        inFlight = Math.max(0, inFlight + count);
        return update();
    }

    /**
     * A process below holds a copy, {@code arrivals} of which came in flight (or in its task).
     */
    synchronized void hold(String caller, int arrivals) {
        holders.add(caller);
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
    }

    /** A process ended: what it and the processes below it held is gone. */
    synchronized boolean callerGone(String caller) {
        boolean changed = holders.removeIf(key -> SharedObjects.isWithin(key, caller));
        changed |= expected.keySet().removeIf(key -> SharedObjects.isWithin(key, caller));
        return changed && update();
    }

    /** Whether nothing references the object and it may be freed. Holds the lock. */
    private boolean update() {
        return copies == 0 && inFlight == 0 && holders.isEmpty() && expected.isEmpty() && !pinned;
    }

    /**
     * Marks the object freed if nothing references it.
     *
     * @return true once, for the caller that must free it
     */
    synchronized boolean tryFree() {
        if (freed || !update()) {
            return false;
        }
        freed = true;
        return true;
    }

    /** Marks the object freed whatever references it: an explicit free. */
    synchronized void forceFree() {
        freed = true;
    }

    synchronized String describe() {
        return "copies=" + copies + " holders=" + holders + " inFlight=" + inFlight + " expected=" + expected
                + (pinned ? " pinned" : "");
    }
}
