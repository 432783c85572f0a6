package io.github.multiprocessing4j.internal.channel;

/**
 * Where the control channel meets the shared objects (SPEC C1): the calls a channel carries are
 * routed through this interface, and nothing else of either side is known to the other. The
 * shared objects implement it for the objects this JVM hosts; a child's {@link ParentLink}
 * implements it for the objects its parent reaches.
 */
public interface CallRouter {

    /**
     * Performs an operation on a shared object.
     *
     * @param objectId the object's id
     * @param op the operation's number, defined by the object's type
     * @param args the arguments: null, Boolean, Integer, Long, String or byte[]
     * @param caller who calls: a child's key, or a key relative to the link's own process
     * @return the result: null, Boolean, Integer, Long, String or byte[]
     * @throws Exception what the operation's contract says; interruption aborts blocking ones
     */
    Object call(String objectId, int op, Object[] args, String caller) throws Exception;

    /**
     * As {@link #call}, for an operation that never waits where it is performed (a queue's size,
     * an event's set, a lock's release): the caller waits for the answer whatever its interrupt
     * status, and keeps that status. An interrupt cannot abort such a call halfway, which would
     * leave the caller unsure whether it was done, and it is left for the next call that waits.
     *
     * @param objectId the object's id
     * @param op the operation's number, one that never waits
     * @param args the arguments
     * @param caller who calls
     * @return the result
     * @throws Exception what the operation's contract says; never {@link InterruptedException}
     */
    Object callUninterruptibly(String objectId, int op, Object[] args, String caller) throws Exception;

    /** What {@link #tryCall} returns when the operation would have to wait. */
    Object WOULD_WAIT = new Object() {
        @Override
        public String toString() {
            return "WOULD_WAIT";
        }
    };

    /**
     * Performs an operation that may wait only if it can be done at once (a get on a queue that
     * holds a message, say): the channel's own thread then answers it without handing it to
     * another thread.
     *
     * @param objectId the object's id
     * @param op the operation's number
     * @param args its arguments
     * @param caller who calls
     * @return the result, or {@link #WOULD_WAIT} if nothing was done because it would wait
     * @throws Exception what the operation's contract says
     */
    default Object tryCall(String objectId, int op, Object[] args, String caller) throws Exception {
        return WOULD_WAIT;
    }

    /**
     * Performs an operation that never waits, without answering its caller: the caller goes on
     * at once, calls made after it are performed after it, and a failure is reported to the
     * caller at its next call on the object (Python's queue feeder thread, without the thread).
     *
     * @param objectId the object's id
     * @param op the operation's number, one that never waits
     * @param args the arguments
     * @param caller who calls
     * @throws Exception what the operation threw, where the router performs it; a router that
     *     forwards it reports an earlier posted call's failure, or a channel that has ended
     */
    void post(String objectId, int op, Object[] args, String caller) throws Exception;

    /**
     * Whether an operation may wait. Calls that cannot are answered on the channel's own thread.
     *
     * @param objectId the object's id
     * @param op the operation's number
     * @param args its arguments
     * @return false only if the operation returns without waiting
     */
    default boolean mayBlock(String objectId, int op, Object[] args) {
        return true;
    }

    /**
     * Whether calls can still reach the objects behind this router: false once the channel to
     * them has ended. Processes that use an object's shared memory directly ask this while they
     * wait, since nothing else tells them that the object's process is gone.
     *
     * @return true while open
     */
    default boolean isOpen() {
        return true;
    }

    /**
     * A caller has ended: what it held is released (if it was killed) or kept (if it ended by
     * itself), as each object's contract says.
     *
     * @param caller the caller's key
     * @param killed whether it was killed rather than ending by itself
     */
    void callerGone(String caller, boolean killed);
}
