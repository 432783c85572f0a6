package io.github.multiprocessing4j.internal.shared;

/** The state of an {@code Event}: one flag, and waiters for it. */
public final class HostedEvent implements SharedObjects.Hosted {

    /** set(). */
    public static final int SET = 1;
    /** clear(). */
    public static final int CLEAR = 2;
    /** isSet() returns the flag. */
    public static final int IS_SET = 3;
    /** await(timeoutNanos) returns the flag once set or when the time is up. */
    public static final int AWAIT = 4;

    private boolean flag;

    @Override
    public boolean mayBlock(int op, Object[] args) {
        return op == AWAIT && (Long) args[0] != 0;
    }

    @Override
    public synchronized Object invoke(int op, Object[] args, String caller) throws Exception {
        switch (op) {
            case SET:
                flag = true;
                notifyAll();
                return null;
            case CLEAR:
                flag = false;
                return null;
            case IS_SET:
                return flag;
            case AWAIT: {
                long timeout = (Long) args[0];
                long deadline = Waits.deadline(timeout);
                while (!flag && Waits.await(this, timeout, deadline)) {
                    // woken: look at the flag again
                }
                return flag;
            }
            default:
                throw new IllegalArgumentException("unknown event operation " + op);
        }
    }
}
