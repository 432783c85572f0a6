package io.github.multiprocessing4j.internal.channel;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parent's side of one child's control channel: its id and secret, the task to hand over
 * once the child has authenticated and its pid is known, and the end report it sends back.
 */
public final class PendingChild {

    /**
     * How long, after the process ended, its channel may deliver nothing before it is taken as
     * done: frames still arriving (a child's last puts, which a busy parent or a slow network
     * relays seconds after the child's exit) keep it open, since a child's data outlives it.
     */
    private static final long END_REPORT_GRACE_MILLIS = 2000;

    private final ControlServer server;
    private final String id;
    private final String processName;
    private final byte[] secret;
    private final Path keyFile;
    private final CompletableFuture<byte[]> task = new CompletableFuture<>();
    private final CompletableFuture<EndReport> ended = new CompletableFuture<>();
    private volatile SocketChannel channel;
    /** The channel's reader, once the task is sent. */
    private volatile FrameReader reader;
    private volatile EndReport report;
    /** What runs on the authenticated channel before the task is sent; null for none. */
    private volatile Preamble preamble;
    private volatile byte[] result;
    /** When the channel's reader last got a frame ({@link System#nanoTime}): the grace after the end counts from it. */
    private volatile long lastFrame = System.nanoTime();
    /**
     * What a posted call of the child (or of a descendant it speaks for) failed with, by caller
     * and object, until that caller's next call on the object is answered with it. Written and
     * read by the channel's reader only, in the order the child sent its calls.
     */
    private final Map<String, Exception> failedPosts = new ConcurrentHashMap<>();

    PendingChild(ControlServer server, String id, String processName, byte[] secret, Path keyFile) {
        this.server = server;
        this.id = id;
        this.processName = processName;
        this.secret = secret;
        this.keyFile = keyFile;
    }

    /**
     * The child's id: the first argument it is started with, and what it says first.
     *
     * @return the id, never null
     */
    public String id() {
        return id;
    }

    String processName() {
        return processName;
    }

    /**
     * The child's secret (SPEC C2).
     *
     * @return the secret's bytes, never null
     */
    public byte[] secret() {
        return secret;
    }

    /**
     * Whether the child has connected and authenticated.
     *
     * @return true once it has
     */
    public synchronized boolean connected() {
        return channel != null;
    }

    /** Frames exchanged with an authenticated child before its task (the class path it lacks). */
    @FunctionalInterface
    public interface Preamble {
        /**
         * Talks to the child, on the channel's thread, in blocking mode.
         *
         * @param authenticated the channel, after the handshake
         * @throws IOException if the exchange fails: the channel is then dropped
         */
        void run(SocketChannel authenticated) throws IOException;
    }

    /**
     * Sets what runs once the child has authenticated, before its task is sent.
     *
     * @param preamble the exchange, never null
     */
    public void beforeTask(Preamble preamble) {
        this.preamble = preamble;
    }

    /** Hands the encoded task over; it is sent as soon as the child has authenticated. */
    public void deliver(byte[] encodedTask) {
        task.complete(encodedTask);
    }

    synchronized boolean attach(SocketChannel authenticated) {
        if (channel != null || ended.isDone()) {
            return false;
        }
        channel = authenticated;
        deleteKeyFile();
        return true;
    }

    /** Sends the task, then reads what the child reports until its channel closes. */
    void serve(SocketChannel authenticated) throws IOException {
        Preamble before = preamble;
        if (before != null) {
            before.run(authenticated);
        }
        byte[] encoded;
        try {
            encoded = task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the task", e);
        } catch (ExecutionException e) {
            throw new IOException("the process ended before its task was sent", e.getCause());
        }
        Frames.write(authenticated, Frames.TASK, encoded);
        FrameReader frames = new FrameReader(authenticated, Frames.MAX_FROM_CHILD);
        reader = frames;
        ChannelWriter writer = new ChannelWriter(authenticated, "multiprocessing4j-child-writer-" + processName);
        Map<Long, Future<?>> inFlight = new ConcurrentHashMap<>();
        try (frames) {
            Frames.Frame frame;
            while ((frame = frames.next()) != null) {
                lastFrame = System.nanoTime();
                switch (frame.type()) {
                    case Frames.END -> report = EndReport.decode(frame.payload());
                    case Frames.RESULT -> result = frame.payload();
                    case Frames.CALL -> {
                        Calls.Call call = Calls.decodeCall(frame.payload());
                        if (call.id() == Calls.POSTED) {
                            // performed here, in order, by the channel's own thread: it never waits
                            posted(call);
                            continue;
                        }
                        Exception failedPost = failedPosts.remove(postKey(call));
                        if (failedPost != null) {
                            // the caller's next call on the object after a post that failed
                            writer.send(Frames.REPLY, Calls.encodeReply(call.id(), null, failedPost));
                            continue;
                        }
                        if (!server.router().mayBlock(call.objectId(), call.op(), call.args())) {
                            answer(writer, call, inFlight);
                            continue;
                        }
                        if (answeredAtOnce(writer, call)) {
                            continue;
                        }
                        Future<?> running = server.calls().submit(() -> answer(writer, call, inFlight));
                        inFlight.put(call.id(), running);
                        if (running.isDone()) {
                            inFlight.remove(call.id(), running);
                        }
                    }
                    case Frames.GONE -> {
                        Calls.Gone gone = Calls.decodeGone(frame.payload());
                        server.router().callerGone(id + "/" + gone.caller(), gone.killed());
                    }
                    case Frames.CANCEL -> {
                        Future<?> running = inFlight.remove(Calls.decodeCancel(frame.payload()));
                        if (running != null) {
                            running.cancel(true);
                        }
                    }
                    default -> throw new ProtocolException("unexpected frame type " + frame.type() + " from a child");
                }
            }
        } finally {
            if (!failedPosts.isEmpty()) {
                // Python's queue feeder prints what it could not send; nobody is left to ask here
                Log.LOGGER.warn("process '{}' ended without learning that {} of its puts or sends failed, first: {}",
                        processName, failedPosts.size(), failedPosts.values().iterator().next().toString());
            }
            writer.close();
            inFlight.values().forEach(running -> running.cancel(true));
            EndReport last = report;
            server.router().callerGone(id, last == null || last.kind() == EndReport.Kind.SIGNALLED);
        }
    }

    private void posted(Calls.Call call) throws IOException {
        try {
            server.router().post(call.objectId(), call.op(), call.args(), callerOf(call));
        } catch (InterruptedException e) {
            // the server is shutting down
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while performing a posted call", e);
        } catch (Exception e) {
            // the first failure is what the caller's next call on the object reports
            failedPosts.putIfAbsent(postKey(call), e);
        }
    }

    private String postKey(Calls.Call call) {
        return callerOf(call) + "\n" + call.objectId();
    }

    /** Answers a call that may wait on this thread if it need not wait; else does nothing. */
    private boolean answeredAtOnce(ChannelWriter writer, Calls.Call call) throws IOException {
        byte[] reply;
        try {
            Object value = server.router().tryCall(call.objectId(), call.op(), call.args(), callerOf(call));
            if (value == CallRouter.WOULD_WAIT) {
                return false;
            }
            reply = Calls.encodeReply(call.id(), value, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while answering a call", e);
        } catch (Exception e) {
            reply = Calls.encodeReply(call.id(), null, e);
        }
        writer.send(Frames.REPLY, reply);
        return true;
    }

    private String callerOf(Calls.Call call) {
        return call.onBehalfOf().isEmpty() ? id : id + "/" + call.onBehalfOf();
    }

    private void answer(ChannelWriter writer, Calls.Call call, Map<Long, Future<?>> inFlight) {
        byte[] reply;
        try {
            String caller = callerOf(call);
            Object value = server.router().call(call.objectId(), call.op(), call.args(), caller);
            reply = Calls.encodeReply(call.id(), value, null);
        } catch (InterruptedException e) {
            // cancelled: the caller stopped waiting, or its channel ended
            return;
        } catch (Exception e) {
            reply = Calls.encodeReply(call.id(), null, e);
        } finally {
            inFlight.remove(call.id());
        }
        try {
            writer.send(Frames.REPLY, reply);
        } catch (IOException e) {
            // the child is gone; its reader saw the end too
        }
    }

    /**
     * What the child's callable produced, if it sent anything before its channel ended.
     *
     * @return the encoded result, or null
     */
    public byte[] result() {
        return result;
    }

    void channelClosed() {
        ended.complete(report);
    }

    /**
     * What the child reported, once its process has ended: null if it never authenticated (it
     * cannot have reported anything), else what arrived before its channel closed.
     */
    public CompletableFuture<EndReport> reportAfterExit() {
        synchronized (this) {
            if (channel == null) {
                ended.complete(null);
            }
        }
        task.completeExceptionally(new IllegalStateException("process ended"));
        server.timer().schedule(this::endOnceQuiet, END_REPORT_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        return ended;
    }

    /**
     * After the process ended: takes what arrived as all there is once the channel has delivered
     * nothing for {@link #END_REPORT_GRACE_MILLIS}, else looks again when it may have; a channel
     * that closes ends the wait sooner ({@link #channelClosed}).
     */
    private void endOnceQuiet() {
        long quietFor = System.nanoTime() - lastFrame;
        long left = TimeUnit.MILLISECONDS.toNanos(END_REPORT_GRACE_MILLIS) - quietFor;
        if (left > 0 && !ended.isDone()) {
            server.timer().schedule(this::endOnceQuiet, left, TimeUnit.NANOSECONDS);
            return;
        }
        ended.complete(report);
    }

    /** Forgets this child: removes its key file and closes its channel. */
    public void close() {
        boolean neverConnected;
        boolean notConnected;
        synchronized (this) {
            notConnected = channel == null;
            neverConnected = notConnected && !ended.isDone();
        }
        if (neverConnected) {
            // a child that never got its task cannot use what its task held: release it
            server.router().callerGone(id, true);
        }
        server.forget(this, notConnected);
        deleteKeyFile();
        task.completeExceptionally(new IllegalStateException("closed"));
        SocketChannel open = channel;
        if (open != null) {
            ControlServer.closeQuietly(open);
            FrameReader frames = reader;
            if (frames != null) {
                frames.wakeup();
            }
        }
        ended.complete(report);
    }

    private void deleteKeyFile() {
        if (keyFile == null) {
            // a child on the network got its secret on its standard input
            return;
        }
        try {
            Files.deleteIfExists(keyFile);
        } catch (IOException e) {
            // the directory is removed with the server at exit
        }
    }

    private static final class Log {
        static final Logger LOGGER = LoggerFactory.getLogger(PendingChild.class);
    }
}
