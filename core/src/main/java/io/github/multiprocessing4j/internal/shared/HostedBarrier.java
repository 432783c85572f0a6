package io.github.multiprocessing4j.internal.shared;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeoutException;

/**
 * The state of a {@code Barrier}: Python's {@code threading.Barrier} across processes. Each
 * round is a generation: the waiters of a generation are released together, or all fail
 * together when it breaks. A waiter that times out, is interrupted, or whose process dies breaks
 * the barrier for all; {@code reset()} breaks the round that has waiters and starts a new one,
 * so the barrier works again at once (Python's {@code test_reset}).
 *
 * <p>With an action, the last party to arrive is told to run it, in its own process, before the
 * others are released: its {@code await} returns {@code -1 - generation}, and it reports with
 * {@link #ACTION_DONE} whether the action succeeded.
 */
public final class HostedBarrier implements SharedObjects.Hosted {

    /**
     * await(timeoutNanos) returns this waiter's arrival index, 0 to parties - 1 (Python), as a
     * Long; or, for the last party of a barrier with an action, {@code -1 - generation}.
     */
    public static final int AWAIT = 1;
    /** reset(). */
    public static final int RESET = 2;
    /** abort(). */
    public static final int ABORT = 3;
    /** waiting() returns how many wait now. */
    public static final int WAITING = 4;
    /** isBroken(). */
    public static final int BROKEN = 5;
    /**
     * actionDone(generation, succeeded): releases the generation's waiters, or breaks it; fails
     * with BrokenBarrierException if it was reset or broken while the action ran.
     */
    public static final int ACTION_DONE = 6;

    private final int parties;
    private final boolean hasAction;
    private long generations;
    private Generation current = new Generation(0);

    /** One round of the barrier. */
    private static final class Generation {
        final long number;
        int waiting;
        boolean broken;
        boolean released;
        /** The last party runs the action: the others are not released yet. */
        boolean actionRunning;
        String actionCaller;
        final Map<String, Integer> waitingBy = new HashMap<>();

        Generation(long number) {
            this.number = number;
        }
    }

    /**
     * Creates the state.
     *
     * @param parties how many waiters release each other
     * @param hasAction whether the last party runs an action before the others are released
     */
    public HostedBarrier(int parties, boolean hasAction) {
        if (parties < 1) {
            throw new IllegalArgumentException("a barrier needs at least 1 party, got " + parties);
        }
        this.parties = parties;
        this.hasAction = hasAction;
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
                // Python: the waiters of the round get BrokenBarrierError; the barrier works again
                if (current.waiting > 0 || current.actionRunning) {
                    breakGeneration(current);
                }
                nextGeneration();
                return null;
            case ABORT:
                breakGeneration(current);
                return null;
            case WAITING:
                return current.broken ? 0 : current.waiting;
            case BROKEN:
                return current.broken;
            case ACTION_DONE:
                actionDone((Long) args[0], (Boolean) args[1]);
                return null;
            default:
                throw new IllegalArgumentException("unknown barrier operation " + op);
        }
    }

    private long await(String caller, long timeout) throws Exception {
        long deadline = Waits.deadline(timeout);
        // Python: a party that comes while the last one runs the action waits for the next round
        while (current.actionRunning) {
            awaitOrBreak(current, timeout, deadline);
        }
        Generation mine = current;
        if (mine.broken) {
            throw new BrokenBarrierException("the barrier is broken");
        }
        int index = mine.waiting++;
        mine.waitingBy.merge(caller, 1, Integer::sum);
        if (index + 1 == parties) {
            if (hasAction) {
                mine.actionRunning = true;
                mine.actionCaller = caller;
                return -1 - mine.number;
            }
            release(mine);
            return index;
        }
        while (!mine.released && !mine.broken) {
            awaitOrBreak(mine, timeout, deadline);
        }
        if (!mine.released) {
            throw new BrokenBarrierException("the barrier is broken");
        }
        return index;
    }

    /** Waits; a timeout or an interrupt breaks the generation, as in Python. */
    private void awaitOrBreak(Generation generation, long timeout, long deadline) throws Exception {
        try {
            if (!Waits.await(this, timeout, deadline)) {
                breakGeneration(generation);
                throw new TimeoutException("the barrier was not complete in time");
            }
        } catch (InterruptedException e) {
            breakGeneration(generation);
            throw e;
        }
    }

    private void actionDone(long number, boolean succeeded) throws BrokenBarrierException {
        Generation generation = current;
        if (generation.number != number || !generation.actionRunning || generation.broken) {
            throw new BrokenBarrierException("the barrier was reset or broken while its action ran");
        }
        if (succeeded) {
            release(generation);
        } else {
            // Python: an action that raises breaks the barrier
            breakGeneration(generation);
        }
    }

    private void release(Generation generation) {
        generation.released = true;
        generation.actionRunning = false;
        nextGeneration();
        notifyAll();
    }

    private void breakGeneration(Generation generation) {
        generation.broken = true;
        generation.actionRunning = false;
        notifyAll();
    }

    private void nextGeneration() {
        current = new Generation(++generations);
        notifyAll();
    }

    @Override
    public synchronized void callerGone(String caller, boolean killed) {
        Generation generation = current;
        boolean waited = generation.waitingBy.keySet().stream().anyMatch(key -> SharedObjects.isWithin(key, caller));
        boolean ranAction = generation.actionRunning && SharedObjects.isWithin(generation.actionCaller, caller);
        if ((waited && !generation.released) || ranAction) {
            breakGeneration(generation);
        }
    }
}
