package io.github.multiprocessing4j.internal.shared;

import java.util.concurrent.BrokenBarrierException;

/**
 * The state of a {@code Barrier}: Python's {@code threading.Barrier} across processes. A
 * waiter that times out, is interrupted, or whose process dies breaks the barrier for all.
 */
public final class HostedBarrier implements SharedObjects.Hosted {

    /** await(timeoutNanos) returns this waiter's arrival index, 0 to parties - 1 (Python). */
    public static final int AWAIT = 1;
    /** reset(). */
    public static final int RESET = 2;
    /** abort(). */
    public static final int ABORT = 3;
    /** waiting() returns how many wait now. */
    public static final int WAITING = 4;
    /** isBroken(). */
    public static final int BROKEN = 5;

    private final int parties;
    private int waiting;
    private long generation;
    private boolean broken;
    private final java.util.Map<String, Integer> waitingBy = new java.util.HashMap<>();

    /**
     * Creates the state.
     *
     * @param parties how many waiters release each other
     */
    public HostedBarrier(int parties) {
        if (parties < 1) {
            throw new IllegalArgumentException("a barrier needs at least 1 party, got " + parties);
        }
        this.parties = parties;
    }

    @Override
    public boolean mayBlock(int op, Object[] args) {
        return op == AWAIT;
    }

    @Override
    public synchronized Object invoke(int op, Object[] args, String caller) throws Exception {
        switch (op) {
            case AWAIT:
                return await(caller, (Long) args[0]);
            case RESET:
                if (waiting > 0) {
                    breakBarrier();
                }
                broken = false;
                return null;
            case ABORT:
                breakBarrier();
                return null;
            case WAITING:
                return waiting;
            case BROKEN:
                return broken;
            default:
                throw new IllegalArgumentException("unknown barrier operation " + op);
        }
    }

    private int await(String caller, long timeout) throws Exception {
        if (broken) {
            throw new BrokenBarrierException("the barrier is broken");
        }
        int index = waiting;
        if (index + 1 == parties) {
            generation++;
            waiting = 0;
            waitingBy.clear();
            notifyAll();
            return index;
        }
        long mine = generation;
        waiting++;
        waitingBy.merge(caller, 1, Integer::sum);
        long deadline = Waits.deadline(timeout);
        try {
            while (generation == mine && !broken) {
                if (!Waits.await(this, timeout, deadline)) {
                    breakBarrier();
                    throw new java.util.concurrent.TimeoutException("the barrier was not complete in time");
                }
            }
        } catch (InterruptedException e) {
            breakBarrier();
            throw e;
        }
        if (generation == mine) {
            throw new BrokenBarrierException("the barrier is broken");
        }
        return index;
    }

    private void breakBarrier() {
        broken = true;
        waiting = 0;
        waitingBy.clear();
        notifyAll();
    }

    @Override
    public synchronized void callerGone(String caller, boolean killed) {
        if (waitingBy.keySet().stream().anyMatch(key -> SharedObjects.isWithin(key, caller))) {
            breakBarrier();
        }
    }
}
