package io.github.multiprocessing4j.internal.shared;

import io.github.multiprocessing4j.QueueEmptyException;
import io.github.multiprocessing4j.QueueFullException;
import io.github.multiprocessing4j.internal.channel.Calls;
import java.io.EOFException;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeoutException;

/**
 * Calls on a shared object from its public handle, with the exceptions the handle's contract
 * allows passed through and anything else (a lost parent, a protocol error) as unchecked.
 */
public final class Shared {

    private Shared() {
    }

    /**
     * Calls an operation that may block and fail with {@link QueueEmptyException} or
     * {@link QueueFullException}.
     *
     * @param id the object's id
     * @param op the operation
     * @param args its arguments
     * @return the result
     * @throws InterruptedException if the caller was interrupted
     * @throws QueueEmptyException if the queue stayed empty
     * @throws QueueFullException if the queue stayed full
     */
    public static Object queueCall(String id, int op, Object... args)
            throws InterruptedException, QueueEmptyException, QueueFullException {
        try {
            return SharedObjects.call(id, op, args);
        } catch (InterruptedException | QueueEmptyException | QueueFullException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.toString(), e);
        }
    }

    /**
     * Posts an operation that never waits (see {@link SharedObjects#post}): a put on an
     * unbounded queue, a send on a pipe.
     *
     * @param id the object's id
     * @param op the operation
     * @param args its arguments
     * @throws InterruptedException if interrupted while the channel had no room for it
     */
    public static void post(String id, int op, Object... args) throws InterruptedException {
        try {
            SharedObjects.post(id, op, args);
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.toString(), e);
        }
    }

    /**
     * Performs an operation that never waits without waiting for it, pacing the producer
     * (SPEC M3): {@link SharedObjects#pacedPost(String, int, int, Object...)}.
     *
     * @param id the object's id
     * @param op the operation
     * @param pacedOp the same operation, waiting for room first
     * @param args its arguments
     * @throws InterruptedException if interrupted while a paced call waited for room
     */
    public static void pacedPost(String id, int op, int pacedOp, Object... args) throws InterruptedException {
        try {
            SharedObjects.pacedPost(id, op, pacedOp, args);
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.toString(), e);
        }
    }

    /**
     * Calls an operation that may block and end with end of stream.
     *
     * @param id the object's id
     * @param op the operation
     * @param args its arguments
     * @return the result
     * @throws InterruptedException if the caller was interrupted
     * @throws EOFException if the stream has ended
     */
    public static Object streamCall(String id, int op, Object... args) throws InterruptedException, EOFException {
        try {
            return SharedObjects.call(id, op, args);
        } catch (InterruptedException | EOFException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.toString(), e);
        }
    }

    /**
     * Calls an operation that may block and fail with {@link BrokenBarrierException} or
     * {@link TimeoutException}.
     *
     * @param id the object's id
     * @param op the operation
     * @param args its arguments
     * @return the result
     * @throws InterruptedException if the caller was interrupted
     * @throws BrokenBarrierException if the barrier is broken
     * @throws TimeoutException if the wait timed out
     */
    public static Object barrierCall(String id, int op, Object... args)
            throws InterruptedException, BrokenBarrierException, TimeoutException {
        try {
            return SharedObjects.call(id, op, args);
        } catch (InterruptedException | BrokenBarrierException | TimeoutException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.toString(), e);
        }
    }

    /**
     * Calls an operation that may block.
     *
     * @param id the object's id
     * @param op the operation
     * @param args its arguments
     * @return the result
     * @throws InterruptedException if the caller was interrupted
     */
    public static Object call(String id, int op, Object... args) throws InterruptedException {
        try {
            return SharedObjects.call(id, op, args);
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.toString(), e);
        }
    }

    /**
     * Calls an operation that does not block. An interrupt neither aborts it nor is lost: the
     * caller waits for the answer of the object's process whatever its interrupt status, and
     * keeps that status for the next call that waits.
     *
     * @param id the object's id
     * @param op the operation
     * @param args its arguments
     * @return the result
     */
    public static Object quickCall(String id, int op, Object... args) {
        try {
            return SharedObjects.callUninterruptibly(id, op, args);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.toString(), e);
        }
    }
}
