package io.github.multiprocessing4j.internal.shared;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of an {@code RLock} or a {@code Condition} (whose lock is an RLock): an owner (a
 * thread of some process), a recursion count and the waiters of the condition. Beyond Python:
 * when the owning process dies, the lock is released (with a warning).
 */
public final class HostedCondition implements SharedObjects.Hosted {

    /** acquire(owner, timeoutNanos) returns whether the lock was taken. */
    public static final int ACQUIRE = 1;
    /** release(owner). */
    public static final int RELEASE = 2;
    /** await(owner, timeoutNanos) returns whether it was notified in time. */
    public static final int AWAIT = 3;
    /** notify(owner, n). */
    public static final int NOTIFY = 4;
    /** isHeldBy(owner). */
    public static final int HELD_BY = 5;

    private String owner;
    private String ownerCaller;
    private int count;
    private final ArrayDeque<Object> waiters = new ArrayDeque<>();
    private final Set<Object> notified = new HashSet<>();
    /** Callers whose process has ended: a wait of theirs that is cancelled does not re-take the lock. */
    private final Set<String> gone = new HashSet<>();

    @Override
    public boolean mayBlock(int op, Object[] args) {
        return (op == ACQUIRE || op == AWAIT) && (Long) args[1] != 0;
    }

    @Override
    public synchronized Object invoke(int op, Object[] args, String caller) throws Exception {
        String who = (String) args[0];
        switch (op) {
            case ACQUIRE:
                return acquire(who, caller, (Long) args[1], 1);
            case RELEASE:
                checkOwner(who, "cannot release un-acquired lock");
                if (--count == 0) {
                    owner = null;
                    ownerCaller = null;
                    notifyAll();
                }
                return null;
            case AWAIT:
                return await(who, caller, (Long) args[1]);
            case NOTIFY:
                checkOwner(who, "cannot notify on un-acquired lock");
                for (int n = (Integer) args[1]; n > 0 && !waiters.isEmpty(); n--) {
                    notified.add(waiters.removeFirst());
                }
                notifyAll();
                return null;
            case HELD_BY:
                return who.equals(owner);
            default:
                throw new IllegalArgumentException("unknown lock operation " + op);
        }
    }

    private boolean acquire(String who, String caller, long timeout, int times) throws InterruptedException {
        if (who.equals(owner)) {
            count += times;
            return true;
        }
        long deadline = Waits.deadline(timeout);
        while (owner != null) {
            if (!Waits.await(this, timeout, deadline)) {
                return false;
            }
        }
        owner = who;
        ownerCaller = caller;
        count = times;
        return true;
    }

    private boolean await(String who, String caller, long timeout) throws InterruptedException {
        checkOwner(who, "cannot wait on un-acquired lock");
        Object ticket = new Object();
        waiters.addLast(ticket);
        int saved = count;
        owner = null;
        ownerCaller = null;
        count = 0;
        notifyAll();
        long deadline = Waits.deadline(timeout);
        boolean woken;
        try {
            while (!notified.contains(ticket)) {
                if (!Waits.await(this, timeout, deadline)) {
                    break;
                }
            }
        } finally {
            woken = notified.remove(ticket);
            if (!woken) {
                waiters.remove(ticket);
            }
            // Python: the lock is always re-acquired before wait returns, even after a timeout;
            // not for a caller whose process has ended meanwhile (its wait was cancelled)
            acquireUnlessGone(who, caller, saved);
        }
        return woken;
    }

    /** Re-takes the lock after a wait, uninterruptibly, unless the caller's process has ended. */
    private void acquireUnlessGone(String who, String caller, int times) {
        boolean interrupted = false;
        while (owner != null && !who.equals(owner) && !isGone(caller)) {
            try {
                wait();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (!isGone(caller)) {
            if (who.equals(owner)) {
                count += times;
            } else {
                owner = who;
                ownerCaller = caller;
                count = times;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean isGone(String caller) {
        return gone.stream().anyMatch(key -> SharedObjects.isWithin(caller, key));
    }

    private void checkOwner(String who, String message) {
        if (!who.equals(owner)) {
            throw new IllegalStateException(message);
        }
    }

    @Override
    public synchronized void callerGone(String caller, boolean killed) {
        gone.add(caller);
        notifyAll();
        if (killed && ownerCaller != null && SharedObjects.isWithin(ownerCaller, caller)) {
            Log.LOGGER.warn("a process ended holding an RLock or Condition; releasing it");
            owner = null;
            ownerCaller = null;
            count = 0;
            notifyAll();
        }
    }

    private static final class Log {
        static final Logger LOGGER = LoggerFactory.getLogger(HostedCondition.class);
    }
}
