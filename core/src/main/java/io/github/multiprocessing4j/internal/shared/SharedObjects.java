package io.github.multiprocessing4j.internal.shared;

import io.github.multiprocessing4j.internal.channel.CallRouter;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Where shared objects (queues, pipes, locks, ...) live: in the JVM that created them. Their
 * copies in children call them over the control channel; a call for an object this JVM does
 * not host goes on to its own parent, so a grandchild reaches an object of the main JVM.
 */
public final class SharedObjects {

    /** The caller key of calls made in the hosting JVM itself. */
    public static final String LOCAL_CALLER = "local";

    private static final Map<String, Entry> HOSTED = new ConcurrentHashMap<>();
    /**
     * By the JVM token of another process tree: where calls on its objects go (a connection to
     * a manager server, SPEC M7).
     */
    private static final Map<String, CallRouter> ROUTES = new ConcurrentHashMap<>();
    /** The last retired objects that were freed, by id: why they were retired, for late callers. */
    private static final Map<String, String> RETIRED_REASONS = Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(16, 0.75f, false) {
                @java.io.Serial
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > MAX_RETIRED_REASONS;
                }
            });
    /** How many reasons {@link #RETIRED_REASONS} keeps: older ones get the message of a freed object. */
    private static final int MAX_RETIRED_REASONS = 4096;
    /** Objects retired by their owner, while a thread may still wait in them: why they were. */
    private static final Map<Object, String> RETIRED = Collections.synchronizedMap(new WeakHashMap<>());
    private static volatile boolean anyRetired;
    /** While a manager makes an object: where the ids of what it hosts go. */
    private static final ThreadLocal<Consumer<String>> COLLECTING = new ThreadLocal<>();
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final CallRouter ROUTER = new Router();
    private static volatile CallRouter upstream;
    /** While a process object is serialized for a child: the calls to make on its behalf. */
    private static final ThreadLocal<java.util.List<Object[]>> SENT_TO_CHILD = new ThreadLocal<>();
    /** Whether this JVM ever hosted an object: else no id can be one of its freed objects. */
    private static volatile boolean hostedAny;

    /** The operations on an object's references (SPEC M9), below 0: no object type uses them. */
    static final int HOLD = -1;
    /** A process below no longer holds a copy. */
    static final int UNHOLD = -2;
    /** Copies were serialized (or, negative, a serialization failed). */
    static final int SENT = -3;
    /** Copies were deserialized in a process that holds one already. */
    static final int ARRIVED = -4;
    /** A copy was handed to a process below, which holds it until it deserializes it or ends. */
    static final int EXPECT = -5;
    /** While bytes are serialized to be handed out more than once: the ids of the handles in them. */
    private static final ThreadLocal<java.util.Set<String>> COLLECTING_SENT = new ThreadLocal<>();

    /** Bytes a process posts to one object of another process between two paced calls (SPEC M3). */
    public static final long PACE_BYTES = 4L * 1024 * 1024;
    /**
     * The most unread bytes a queue or a pipe end holds before a paced post waits (SPEC M3):
     * with {@link #PACE_BYTES}, a consumer that does not read stops a producer within
     * {@code MAX_UNREAD_BYTES + PACE_BYTES} of messages.
     */
    public static final long MAX_UNREAD_BYTES = 16L * 1024 * 1024;
    /** By object id: bytes this process posted to it since its last paced call. */
    private static final Map<String, AtomicLong> POSTED_BYTES = new ConcurrentHashMap<>();

    private SharedObjects() {
    }

    /** The state of a shared object, in the JVM that hosts it. Implementations are thread safe. */
    public interface Hosted {

        /**
         * Performs one operation.
         *
         * @param op the operation's number, defined by the object's type
         * @param args the arguments: null, Boolean, Integer, Long, String or byte[]
         * @param caller who calls: {@link #LOCAL_CALLER} or a child's key
         * @return the result: null, Boolean, Integer, Long, String or byte[]
         * @throws Exception what the operation's contract says; interruption aborts blocking ones
         */
        Object invoke(int op, Object[] args, String caller) throws Exception;

        /**
         * Whether an operation may wait. Calls that cannot are answered on the channel's own
         * thread, without a hand-over to another thread; the default says every one may.
         *
         * @param op the operation's number
         * @param args its arguments
         * @return false only if the operation returns without waiting
         */
        default boolean mayBlock(int op, Object[] args) {
            return true;
        }

        /**
         * Performs an operation that may wait only if it need not: atomically, either it is done
         * at once or nothing is done.
         *
         * @param op the operation's number
         * @param args its arguments
         * @param caller who calls
         * @return the result, or {@link CallRouter#WOULD_WAIT}; the default never does it
         * @throws Exception as {@link #invoke}
         */
        default Object tryInvoke(int op, Object[] args, String caller) throws Exception {
            return CallRouter.WOULD_WAIT;
        }

        /**
         * A child's channel has ended: the child is gone.
         *
         * @param caller the child's key
         * @param killed whether it was killed (no end report, or ended by a signal) rather than
         *     ending by itself: what a killed process held is released (beyond Python), what a
         *     process that ended by itself kept stays taken (Python)
         */
        default void callerGone(String caller, boolean killed) {
        }

        /**
         * The object was freed (SPEC M9): no process holds a reference any more, or its owner
         * freed it. It releases what outlives the JVM's garbage collector (files); it gets no
         * calls any more. The default does nothing.
         */
        default void freed() {
        }
    }

    /** A hosted object and its references. */
    private static final class Entry {
        volatile Hosted object;
        final Lifetime lifetime;

        Entry(Hosted object, boolean pinned) {
            this.object = object;
            this.lifetime = new Lifetime(pinned);
        }
    }

    /**
     * Hosts an object here until {@link #free} or the end of the JVM, whatever references it: a
     * manager's state, a pool's board.
     *
     * @param object the object's state
     * @return its id, unique across the process tree
     */
    public static String host(Hosted object) {
        return host(object, true);
    }

    /**
     * Hosts an object here for as long as a handle references it (SPEC M9): the caller
     * {@linkplain #track tracks} its handle at once; the object is freed once no copy of it is
     * reachable in this JVM, none is in flight, and no live process holds one. An object made
     * by a manager's factory ({@link #hostCollecting}) lives until the manager shuts down
     * instead, as in Python.
     *
     * @param object the object's state
     * @return its id, unique across the process tree
     */
    public static String hostCounted(Hosted object) {
        return host(object, false);
    }

    private static String host(Hosted object, boolean pinned) {
        hostedAny = true;
        String id = JvmToken.VALUE + "#" + COUNTER.incrementAndGet();
        Consumer<String> collector = COLLECTING.get();
        HOSTED.put(id, new Entry(object, pinned || collector != null));
        if (collector != null) {
            collector.accept(id);
        }
        return id;
    }

    /**
     * Tracks a handle made here of an object: it references the object until it is unreachable.
     *
     * @param handle the handle, e.g. a {@code Queue}
     * @param id the object's id
     */
    public static void track(Object handle, String id) {
        Copies.track(handle, id, false, null);
    }

    /**
     * Tracks a handle of an object that was just deserialized here (its {@code readObject}):
     * it references the object until it is unreachable, and its copy in flight arrived. The
     * process hosting the object learns that this process holds it.
     *
     * @param handle the handle
     * @param id the object's id
     * @param whenNoCopyHere run once no copy of the object is reachable here any more (a
     *     mapping to drop), or null
     */
    public static void received(Object handle, String id, Runnable whenNoCopyHere) {
        Copies.track(handle, id, true, whenNoCopyHere);
    }

    /**
     * A handle is being serialized (its {@code writeObject}): the copy in flight references the
     * object until it is deserialized somewhere (Python increfs when it pickles a proxy).
     *
     * @param id the object's id
     */
    public static void sending(String id) {
        java.util.Set<String> collected = COLLECTING_SENT.get();
        if (collected != null) {
            // counted each time the bytes are handed out: handedOut
            collected.add(id);
            return;
        }
        Entry entry = HOSTED.get(id);
        if (entry != null) {
            java.util.List<Object[]> noted = SENT_TO_CHILD.get();
            if (noted != null) {
                // in a child's task: the child holds it from its start, until it ends
                noted.add(new Object[] {id, null, null});
            } else {
                entry.lifetime.sent(1);
            }
            return;
        }
        Copies.tellHost(id, SENT, 1, "");
    }

    /**
     * Serializes bytes that will be handed out more than once, each time to a process that
     * deserializes them at most once (a pool's function, which each worker reads once and keeps):
     * the handles in them are not counted in flight now, but at each {@link #handedOut}.
     *
     * @param serialize what serializes
     * @param ids told the id of each handle serialized
     * @return what {@code serialize} returned
     */
    public static byte[] serializeCollecting(Supplier<byte[]> serialize, java.util.Set<String> ids) {
        COLLECTING_SENT.set(ids);
        try {
            return serialize.get();
        } finally {
            COLLECTING_SENT.remove();
        }
    }

    /**
     * A copy of a handle, in bytes made by {@link #serializeCollecting}, was handed to a process
     * (the caller of the call that took it): that process holds the object until it has
     * deserialized the copy and let go of it, or until it ends.
     *
     * @param id the object's id
     * @param caller the process's key, as the call that took the bytes gave it
     */
    public static void handedOut(String id, String caller) {
        Entry entry = HOSTED.get(id);
        if (entry != null) {
            entry.lifetime.expect(caller);
            return;
        }
        Copies.tellHost(id, EXPECT, 1, LOCAL_CALLER.equals(caller) ? "" : caller);
    }

    /**
     * Frees an object hosted here now, whatever references it: a pool's board once the pool
     * has ended. Later calls on it fail with {@link IllegalStateException}.
     *
     * @param id the object's id; nothing happens if it is not hosted here
     */
    public static void free(String id) {
        Entry entry = HOSTED.get(id);
        if (entry != null) {
            entry.lifetime.forceFree();
            release(id, entry);
        }
    }

    private static void release(String id, Entry entry) {
        if (HOSTED.remove(id, entry)) {
            POSTED_BYTES.remove(id);
            if (entry.object instanceof Retired retired) {
                RETIRED_REASONS.put(id, retired.reason);
            }
            try {
                entry.object.freed();
            } catch (RuntimeException e) {
                Log.LOGGER.warn("freeing shared object {} failed: {}", id, e.toString());
            }
        }
    }

    /** Frees the object if nothing references it and no call is in it. */
    static void maybeFree(String id) {
        Entry entry = HOSTED.get(id);
        if (entry != null && entry.lifetime.tryFree()) {
            release(id, entry);
        }
    }

    /** A copy of a handle of an object hosted here became unreachable. */
    static void dropLocalCopy(String id) {
        Entry entry = HOSTED.get(id);
        if (entry != null && entry.lifetime.dropCopy()) {
            maybeFree(id);
        }
    }

    /** A copy of a handle of an object hosted here was made or arrived. */
    static boolean addLocalCopy(String id, boolean arrived) {
        Entry entry = HOSTED.get(id);
        if (entry == null) {
            return false;
        }
        entry.lifetime.addCopy();
        if (arrived) {
            entry.lifetime.arrived(LOCAL_CALLER, 1);
        }
        return true;
    }

    /**
     * What references an object hosted here, for diagnostics and tests.
     *
     * @param id the object's id
     * @return its copies here, the processes below holding one, the copies in flight, or
     *     "not hosted here"
     */
    public static String describeReferences(String id) {
        Entry entry = HOSTED.get(id);
        return entry == null ? "not hosted here" : entry.lifetime.describe();
    }

    /**
     * How many shared objects this JVM hosts now (SPEC M9): queues, pipes, locks, events,
     * conditions, barriers, manager objects and pool boards whose state lives here, retired ones
     * included until they are freed. A process that creates and drops objects returns to its
     * starting count once their handles are unreachable and no live process holds a copy.
     *
     * @return the number of objects hosted here, never negative
     */
    public static int hostedCount() {
        return HOSTED.size();
    }

    /**
     * Makes something on this thread and tells {@code ids} the id of each object
     * {@link #host hosted} meanwhile: how a manager learns which objects its factories made.
     *
     * @param make what makes the object(s)
     * @param ids told each id hosted while {@code make} runs
     * @param <T> what is made
     * @return what {@code make} returned
     */
    public static <T> T hostCollecting(Supplier<T> make, Consumer<String> ids) {
        Consumer<String> outer = COLLECTING.get();
        COLLECTING.set(ids);
        try {
            return make.get();
        } finally {
            if (outer == null) {
                COLLECTING.remove();
            } else {
                COLLECTING.set(outer);
            }
        }
    }

    /**
     * Retires an object hosted here: its state is dropped, every later call on it from any
     * process fails with {@link IllegalStateException}{@code (reason)}, and the threads waiting
     * in it wake and fail alike (SPEC M7: a manager's objects after it shut down). What stays of
     * it is freed once no handle references it (SPEC M9); the reasons of the last
     * {@value #MAX_RETIRED_REASONS} freed ones are kept for later calls, older ones fail as calls
     * on a freed object do.
     *
     * @param id the object's id; nothing happens if it is not hosted here
     * @param reason the message of the failures
     */
    public static void retire(String id, String reason) {
        Entry entry = HOSTED.get(id);
        if (entry == null) {
            return;
        }
        Hosted object = entry.object;
        entry.object = new Retired(reason);
        // what stays of it is its failure; it is freed once nothing here references it (SPEC M9)
        entry.lifetime.unpin();
        RETIRED.put(object, reason);
        anyRetired = true;
        // every hosted object waits on its own monitor (Waits.await), which looks here on waking
        synchronized (object) {
            object.notifyAll();
        }
        maybeFree(id);
    }

    /**
     * Why a monitor's object was {@linkplain #retire retired}, or null if it was not.
     *
     * @param monitor a hosted object
     * @return the reason, or null
     */
    static String retiredReason(Object monitor) {
        return anyRetired ? RETIRED.get(monitor) : null;
    }

    /** What stays of a retired object: its failure. */
    private static final class Retired implements Hosted {
        private final String reason;

        Retired(String reason) {
            this.reason = reason;
        }

        @Override
        public boolean mayBlock(int op, Object[] args) {
            return false;
        }

        @Override
        public Object invoke(int op, Object[] args, String caller) {
            throw new IllegalStateException(reason);
        }
    }

    /**
     * Routes the calls on the objects of another process tree (ids that start with
     * {@code token}) through {@code route}: a connection to a manager server (SPEC M7). This
     * process's children reach them through this process, as they reach its own objects. A
     * later route for the same token replaces this one.
     *
     * @param token the other tree's JVM token, as {@link #tokenOf} gives it
     * @param route where its calls go
     */
    public static void addRoute(String token, CallRouter route) {
        ROUTES.put(token, route);
    }

    /**
     * The JVM token an object id starts with: which process tree's JVM hosts it.
     *
     * @param id the object's id
     * @return its token
     */
    public static String tokenOf(String id) {
        int hash = id.indexOf('#');
        return hash < 0 ? id : id.substring(0, hash);
    }

    /**
     * Whether the object lives in this JVM.
     *
     * @param id the object's id
     * @return true if hosted here
     */
    public static boolean isHostedHere(String id) {
        return HOSTED.containsKey(id);
    }

    /**
     * Whether the process hosting an object can still be reached from this JVM: always where it
     * lives here; elsewhere while the channel towards it is open.
     *
     * @param id the object's id
     * @return false once the object's process (or the way to it) is gone
     */
    public static boolean isReachable(String id) {
        if (HOSTED.containsKey(id)) {
            return true;
        }
        CallRouter route = ROUTES.isEmpty() ? null : ROUTES.get(tokenOf(id));
        if (route != null) {
            return route.isOpen();
        }
        CallRouter link = upstream;
        return link != null && link.isOpen();
    }

    /**
     * Calls an operation from this JVM: directly if the object lives here, else through the
     * parent.
     *
     * @param id the object's id
     * @param op the operation
     * @param args the arguments
     * @return the result
     * @throws Exception as the operation's contract says
     */
    public static Object call(String id, int op, Object... args) throws Exception {
        return dispatch(id, op, args, LOCAL_CALLER, true);
    }

    /**
     * As {@link #call(String, int, Object...)}, for an operation that never waits: the caller
     * waits for the answer of another process whatever its interrupt status, which it keeps
     * (see {@link CallRouter#callUninterruptibly}).
     *
     * @param id the object's id
     * @param op an operation that never waits
     * @param args the arguments
     * @return the result
     * @throws Exception as the operation's contract says; never {@link InterruptedException}
     */
    public static Object callUninterruptibly(String id, int op, Object... args) throws Exception {
        return dispatch(id, op, args, LOCAL_CALLER, false);
    }

    /**
     * Performs an operation that never waits without waiting for it: at once if the object lives
     * here, else posted to the parent, which reports a failure at this JVM's next call on the
     * object. Calls made after it are performed after it.
     *
     * @param id the object's id
     * @param op an operation that never waits
     * @param args the arguments
     * @throws Exception what the operation threw (if the object lives here), or what an earlier
     *     posted call on the object failed with
     */
    public static void post(String id, int op, Object... args) throws Exception {
        post(id, op, args, LOCAL_CALLER);
    }

    /**
     * As {@link #post(String, int, Object...)}, for a producer that must not outrun its
     * consumers without bound (SPEC M3): from a process other than the object's (a child, or a
     * client of a manager server), once {@link #PACE_BYTES} have been posted to the object since
     * the last paced call, this call is made as {@code pacedOp} instead and waited for. The
     * object performs {@code pacedOp} as {@code op} once it holds few enough unread bytes, so the
     * producer waits there while its consumers do not read, and the object holds at most its
     * bound plus what each producer posted since its last paced call.
     *
     * @param id the object's id
     * @param op an operation that never waits
     * @param pacedOp the same operation, waiting for room first
     * @param args the arguments
     * @throws Exception as {@link #post(String, int, Object...)}; InterruptedException if
     *     interrupted while a paced call waits for room (then nothing was done)
     */
    public static void pacedPost(String id, int op, int pacedOp, Object... args) throws Exception {
        if (!HOSTED.containsKey(id) && (upstream != null || !ROUTES.isEmpty())) {
            long size = 0;
            for (Object arg : args) {
                size += arg instanceof byte[] bytes ? bytes.length : 8;
            }
            AtomicLong posted = POSTED_BYTES.computeIfAbsent(id, key -> new AtomicLong());
            if (posted.addAndGet(size) > PACE_BYTES) {
                posted.set(0);
                dispatch(id, pacedOp, args, LOCAL_CALLER, true);
                return;
            }
        }
        post(id, op, args, LOCAL_CALLER);
    }

    static void post(String id, int op, Object[] args, String caller) throws Exception {
        Entry entry = HOSTED.get(id);
        if (entry != null) {
            invoke(id, entry, op, args, caller);
            return;
        }
        CallRouter route = ROUTES.isEmpty() ? null : ROUTES.get(tokenOf(id));
        if (route != null) {
            if (op >= 0) {
                // a manager's objects live until it shuts down: their references are not counted
                route.post(id, op, args, LOCAL_CALLER.equals(caller) ? "" : caller);
            }
        } else if (isFreedHere(id)) {
            freedCall(id, op);
        } else if (LOCAL_CALLER.equals(caller)) {
            reachableUpstream().post(id, op, args, "");
        } else {
            // a descendant's post, passed on: waiting for the answer here lets its failure reach
            // the descendant that posted it, and this channel's reader keeps the order
            reachableUpstream().call(id, op, args, caller);
        }
    }

    private static CallRouter reachableUpstream() {
        CallRouter link = upstream;
        if (link == null) {
            throw new IllegalStateException("this shared object is not reachable from this process"
                    + ": pass queues, pipes and locks from a process"
                    + " to its children (by capturing them in the target), not the other way");
        }
        return link;
    }

    static Object dispatch(String id, int op, Object[] args, String caller, boolean interruptible) throws Exception {
        Entry entry = HOSTED.get(id);
        if (entry != null) {
            return invoke(id, entry, op, args, caller);
        }
        CallRouter route = ROUTES.isEmpty() ? null : ROUTES.get(tokenOf(id));
        String onBehalfOf = LOCAL_CALLER.equals(caller) ? "" : caller;
        if (route != null) {
            if (op < 0) {
                return null;
            }
            return interruptible ? route.call(id, op, args, onBehalfOf) : route.callUninterruptibly(id, op, args, onBehalfOf);
        }
        if (isFreedHere(id)) {
            return freedCall(id, op);
        }
        CallRouter link = reachableUpstream();
        return interruptible ? link.call(id, op, args, onBehalfOf) : link.callUninterruptibly(id, op, args, onBehalfOf);
    }

    /**
     * Performs a call on an object hosted here: an operation of its type, or one on its
     * references. A call that found the object just before it was freed goes on with its state,
     * which only the callers that reach it already hold: a call that waits waits as it would for
     * an object nobody else can reach (Python's), and a later call fails.
     */
    private static Object invoke(String id, Entry entry, int op, Object[] args, String caller) throws Exception {
        if (op < 0) {
            references(id, entry.lifetime, op, args, caller);
            return null;
        }
        return entry.object.invoke(op, args, caller);
    }

    private static void references(String id, Lifetime lifetime, int op, Object[] args, String caller) {
        boolean free;
        switch (op) {
            case HOLD -> {
                lifetime.hold(caller, (Integer) args[0]);
                free = false;
            }
            case UNHOLD -> free = lifetime.unhold(caller);
            case SENT -> free = lifetime.sent((Integer) args[0]);
            case ARRIVED -> free = lifetime.arrived(caller, (Integer) args[0]);
            case EXPECT -> {
                lifetime.expect(caller);
                free = false;
            }
            default -> throw new IllegalArgumentException("unknown operation " + op + " on shared object " + id);
        }
        if (free) {
            maybeFree(id);
        }
    }

    /** Whether an id is one of this JVM's objects that is not hosted any more. */
    private static boolean isFreedHere(String id) {
        // a JVM that never hosted anything need not make its token to know
        return hostedAny && id.startsWith(JvmToken.VALUE) && id.length() > JvmToken.VALUE.length()
                && id.charAt(JvmToken.VALUE.length()) == '#';
    }

    /** A call on a freed object: one on its references does nothing, any other fails. */
    private static Object freedCall(String id, int op) {
        if (op == UNHOLD || op == ARRIVED || op == SENT) {
            return null;
        }
        String retired = RETIRED_REASONS.get(id);
        if (retired != null) {
            throw new IllegalStateException(retired);
        }
        throw new IllegalStateException("shared object " + id + " was freed: no live process held a reference to it"
                + " any more (SPEC M9); a handle used after that cannot reach it");
    }

    /**
     * This JVM's random token: shared object ids and lock owners start with it.
     *
     * @return the token
     */
    public static String jvmToken() {
        return JvmToken.VALUE;
    }

    /**
     * The calls that children make on the objects hosted here, and on objects further up the
     * tree through this JVM, for the control channel to route.
     *
     * @return the router, never null
     */
    public static CallRouter router() {
        return ROUTER;
    }

    private static final class Router implements CallRouter {

        @Override
        public Object call(String objectId, int op, Object[] args, String caller) throws Exception {
            return dispatch(objectId, op, args, caller, true);
        }

        @Override
        public Object callUninterruptibly(String objectId, int op, Object[] args, String caller) throws Exception {
            return dispatch(objectId, op, args, caller, false);
        }

        @Override
        public void post(String objectId, int op, Object[] args, String caller) throws Exception {
            SharedObjects.post(objectId, op, args, caller);
        }

        @Override
        public Object tryCall(String objectId, int op, Object[] args, String caller) throws Exception {
            Entry entry = HOSTED.get(objectId);
            // a call forwarded to the parent always waits for the parent's answer
            if (entry == null) {
                return WOULD_WAIT;
            }
            return op < 0 ? invoke(objectId, entry, op, args, caller) : entry.object.tryInvoke(op, args, caller);
        }

        @Override
        public boolean mayBlock(String objectId, int op, Object[] args) {
            return SharedObjects.mayBlock(objectId, op, args);
        }

        @Override
        public void callerGone(String caller, boolean killed) {
            SharedObjects.callerGone(caller, killed);
        }
    }

    static boolean mayBlock(String id, int op, Object[] args) {
        Entry entry = HOSTED.get(id);
        // a call forwarded to the parent waits for the parent's answer
        return entry == null ? !isFreedHere(id) : op >= 0 && entry.object.mayBlock(op, args);
    }

    /**
     * Notes, while a process object is being serialized for a child, an operation to perform on
     * the child's behalf once it has a key (e.g. a pipe end that the child holds from its start).
     * Outside that serialization (a message on a queue, say) it does nothing.
     *
     * @param id the object's id
     * @param op the operation
     * @param args its arguments
     */
    public static void sentToChild(String id, int op, Object... args) {
        java.util.List<Object[]> noted = SENT_TO_CHILD.get();
        if (noted != null) {
            noted.add(new Object[] {id, op, args});
        }
    }

    /** Starts noting {@link #sentToChild} operations on this thread. */
    public static void beginSendingToChild() {
        SENT_TO_CHILD.set(new java.util.ArrayList<>());
    }

    /**
     * Stops noting, and performs what was noted as calls of {@code caller} on the objects
     * hosted here (objects hosted further up learn of the child when it first uses them).
     */
    public static void endSendingToChild(String caller) {
        java.util.List<Object[]> noted = SENT_TO_CHILD.get();
        SENT_TO_CHILD.remove();
        if (noted == null || caller == null) {
            return;
        }
        for (Object[] call : noted) {
            Entry entry = HOSTED.get((String) call[0]);
            if (entry != null && call[1] == null) {
                entry.lifetime.expect(caller);
            } else if (entry != null) {
                try {
                    entry.object.invoke((Integer) call[1], (Object[]) call[2], caller);
                } catch (Exception e) {
                    throw new IllegalStateException("could not register a shared object with its child: " + e, e);
                }
            }
        }
    }

    /**
     * A caller has ended: the objects hosted here release what it held, and the parent is told,
     * for what it held further up the tree.
     */
    static void callerGone(String caller, boolean killed) {
        for (Map.Entry<String, Entry> hosted : HOSTED.entrySet()) {
            Entry entry = hosted.getValue();
            entry.object.callerGone(caller, killed);
            if (entry.lifetime.callerGone(caller)) {
                maybeFree(hosted.getKey());
            }
        }
        CallRouter link = upstream;
        if (link != null) {
            link.callerGone(caller, killed);
        }
        for (CallRouter route : ROUTES.values()) {
            // what a child of this process held in a manager server's objects
            route.callerGone(caller, killed);
        }
    }

    /**
     * Whether {@code key} is the caller that ended or one below it: a process's descendants
     * reach shared objects through it, and lose them with it.
     *
     * @param key a caller's key
     * @param gone the key of the caller that ended
     * @return true if {@code key} is {@code gone} or under it
     */
    public static boolean isWithin(String key, String gone) {
        return key.equals(gone) || key.startsWith(gone + "/");
    }

    /**
     * Called once in a child: objects not hosted here are reached through its parent.
     *
     * @param link the child's link to its parent
     */
    public static void setUpstream(CallRouter link) {
        upstream = link;
        Copies.linked();
    }

    /**
     * Where this JVM tells the host of an object about its copies: its parent, or null where
     * nobody is told (the main JVM, whose objects are hosted here; a manager's objects, which
     * are not counted).
     */
    static CallRouter hostLink(String id) {
        if (!ROUTES.isEmpty() && ROUTES.containsKey(tokenOf(id))) {
            return null;
        }
        return upstream;
    }

    private static final class Log {
        static final org.slf4j.Logger LOGGER = org.slf4j.LoggerFactory.getLogger(SharedObjects.class);
    }

    /**
     * This JVM's random token, made on first use: a random UUID seeds {@code SecureRandom}, which
     * costs a cold JVM tens of milliseconds, and a child that hosts nothing never needs it.
     */
    private static final class JvmToken {
        static final String VALUE = java.util.UUID.randomUUID().toString();
    }
}
