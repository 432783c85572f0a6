package io.github.multiprocessing4j.internal.shared;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of a {@code Lock}, {@code Semaphore} or {@code BoundedSemaphore}: a counter and, per
 * process, how many units it holds. Beyond Python: the units a child held when it was killed
 * are given back (with a warning), so a killed process cannot leave a lock held for ever; a
 * child that ends by itself keeps what it took, as in Python.
 */
public final class HostedSemaphore implements SharedObjects.Hosted {

    /** acquire(timeoutNanos) returns whether a unit was taken. */
    public static final int ACQUIRE = 1;
    /** release(). */
    public static final int RELEASE = 2;
    /** value() returns the counter. */
    public static final int VALUE = 3;

    private final int bound;
    private int value;
    private final Map<String, Integer> held = new HashMap<>();

    /**
     * Creates the state.
     *
     * @param value the initial counter
     * @param bound the largest counter a release may reach, or -1 for none
     */
    public HostedSemaphore(int value, int bound) {
        if (value < 0) {
            throw new IllegalArgumentException("a semaphore's initial value must be >= 0, was " + value);
        }
        this.value = value;
        this.bound = bound;
    }

    @Override
    public boolean mayBlock(int op, Object[] args) {
        return op == ACQUIRE && (Long) args[0] != 0;
    }

    @Override
    public synchronized Object invoke(int op, Object[] args, String caller) throws Exception {
        switch (op) {
            case ACQUIRE: {
                long timeout = (Long) args[0];
                long deadline = Waits.deadline(timeout);
                while (value == 0) {
                    if (!Waits.await(this, timeout, deadline)) {
                        return false;
                    }
                }
                value--;
                held.merge(caller, 1, Integer::sum);
                return true;
            }
            case RELEASE:
                if (bound >= 0 && value >= bound) {
                    throw new IllegalStateException("semaphore or lock released too many times");
                }
                value++;
                forgetOne(caller);
                notifyAll();
                return null;
            case VALUE:
                return value;
            default:
                throw new IllegalArgumentException("unknown semaphore operation " + op);
        }
    }

    /** A release counts against the releasing process first, else against any holder. */
    private void forgetOne(String caller) {
        String key = held.containsKey(caller) ? caller : null;
        if (key == null) {
            Iterator<String> holders = held.keySet().iterator();
            if (!holders.hasNext()) {
                return;
            }
            key = holders.next();
        }
        held.computeIfPresent(key, (k, count) -> count > 1 ? count - 1 : null);
    }

    @Override
    public synchronized void callerGone(String caller, boolean killed) {
        int count = 0;
        if (killed) {
            for (Iterator<Map.Entry<String, Integer>> entries = held.entrySet().iterator(); entries.hasNext();) {
                Map.Entry<String, Integer> entry = entries.next();
                if (SharedObjects.isWithin(entry.getKey(), caller)) {
                    count += entry.getValue();
                    entries.remove();
                }
            }
        }
        if (count > 0) {
            Log.LOGGER.warn("a process ended holding {} unit(s) of a lock or semaphore; releasing them", count);
            value += count;
            notifyAll();
        }
    }

    private static final class Log {
        static final Logger LOGGER = LoggerFactory.getLogger(HostedSemaphore.class);
    }
}
