package io.github.multiprocessing4j.internal.shared;

import io.github.multiprocessing4j.internal.channel.CallRouter;
import java.lang.ref.Cleaner;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The copies of shared objects' handles in this JVM (SPEC M9): each handle is tracked until it
 * is unreachable (a {@link Cleaner}). For an object hosted here the count is its
 * {@link Lifetime}'s; for one hosted further up, this JVM tells the host, through its parent,
 * when it first holds a copy ({@link SharedObjects#HOLD}) and when it holds none any more
 * ({@link SharedObjects#UNHOLD}), so one message per object and process, not per copy. What a
 * child deserializes from its task, before its link to the parent exists, is told once the link
 * is there. When the process ends, its parent forgets what it held (its channel's end).
 */
final class Copies {

    private static final Object LOCK = new Object();
    /** By id of an object hosted elsewhere: the copies here. */
    private static final Map<String, Held> HELD = new HashMap<>();
    /** Whether this JVM has its link to its parent: before it, nothing is told. */
    private static boolean linked;

    private Copies() {
    }

    /** The copies of one object hosted elsewhere. Guarded by {@link #LOCK}. */
    private static final class Held {
        int copies;
        /** Copies that arrived before the link existed, not yet told. */
        int untold;
        Runnable whenNone;
    }

    /**
     * Tracks a handle until it is unreachable.
     *
     * @param handle the handle
     * @param id its object's id
     * @param arrived whether it was deserialized here (a copy in flight arrived)
     * @param whenNone run once no copy of an object hosted elsewhere is left here, or null
     */
    static void track(Object handle, String id, boolean arrived, Runnable whenNone) {
        boolean here = SharedObjects.addLocalCopy(id, arrived);
        if (!here) {
            synchronized (LOCK) {
                Held held = HELD.computeIfAbsent(id, key -> new Held());
                held.copies++;
                if (whenNone != null) {
                    held.whenNone = whenNone;
                }
                if (!linked) {
                    held.untold += arrived ? 1 : 0;
                } else if (held.copies == 1) {
                    tell(id, SharedObjects.HOLD, arrived ? 1 : 0);
                } else if (arrived) {
                    tell(id, SharedObjects.ARRIVED, 1);
                }
            }
        }
        Cleaners.CLEANER.register(handle, new Drop(id, here));
    }

    /** The link to the parent exists: tells it what the task's copies hold. */
    static void linked() {
        synchronized (LOCK) {
            linked = true;
            for (var it = HELD.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<String, Held> entry = it.next();
                Held held = entry.getValue();
                if (held.copies > 0) {
                    tell(entry.getKey(), SharedObjects.HOLD, held.untold);
                } else {
                    tell(entry.getKey(), SharedObjects.ARRIVED, held.untold);
                    it.remove();
                }
                held.untold = 0;
            }
        }
    }

    /**
     * Tells the host of an object hosted elsewhere about copies in flight; nothing if this JVM
     * reaches no host for it.
     *
     * @param id the object's id
     * @param op {@link SharedObjects#SENT}
     * @param count how many
     */
    static void tellHost(String id, int op, int count) {
        synchronized (LOCK) {
            if (linked) {
                tell(id, op, count);
            }
        }
    }

    /** A copy became unreachable. */
    private static void dropped(String id, boolean here) {
        if (here) {
            SharedObjects.dropLocalCopy(id);
            return;
        }
        Runnable whenNone = null;
        synchronized (LOCK) {
            Held held = HELD.get(id);
            if (held == null) {
                return;
            }
            held.copies--;
            if (held.copies <= 0) {
                whenNone = held.whenNone;
                if (linked) {
                    HELD.remove(id);
                    tell(id, SharedObjects.UNHOLD, 0);
                } else if (held.untold == 0) {
                    HELD.remove(id);
                }
            }
        }
        if (whenNone != null) {
            whenNone.run();
        }
    }

    /** Posts to the host; held under {@link #LOCK} so that the host learns in this JVM's order. */
    private static void tell(String id, int op, int count) {
        CallRouter link = SharedObjects.hostLink(id);
        if (link == null) {
            return;
        }
        try {
            link.post(id, op, new Object[] {count}, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Log.LOGGER.debug("interrupted while telling the host of {} about its copies", id);
        } catch (Exception e) {
            // the parent is gone: what this process held is released with it
            Log.LOGGER.debug("cannot tell the host of {} about its copies: {}", id, e.toString());
        }
    }

    /** Run by the cleaner: holds no reference to the handle. */
    private record Drop(String id, boolean here) implements Runnable {
        @Override
        public void run() {
            try {
                dropped(id, here);
            } catch (RuntimeException e) {
                Log.LOGGER.warn("releasing a copy of shared object {} failed: {}", id, e.toString());
            }
        }
    }

    /** The cleaner's thread is made on first use: a JVM that never makes a handle has none. */
    private static final class Cleaners {
        static final Cleaner CLEANER = Cleaner.create(task -> {
            Thread thread = new Thread(task, "multiprocessing4j-handle-cleaner");
            thread.setDaemon(true);
            return thread;
        });
    }

    private static final class Log {
        static final Logger LOGGER = LoggerFactory.getLogger(Copies.class);
    }
}
