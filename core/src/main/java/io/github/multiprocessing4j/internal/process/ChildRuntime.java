package io.github.multiprocessing4j.internal.process;

import io.github.multiprocessing4j.internal.channel.ControlServer;
import io.github.multiprocessing4j.internal.channel.EndReport;
import io.github.multiprocessing4j.internal.channel.Frames;
import io.github.multiprocessing4j.internal.channel.Handshake;
import io.github.multiprocessing4j.internal.channel.FrameReader;
import io.github.multiprocessing4j.internal.channel.ParentLink;
import io.github.multiprocessing4j.internal.channel.ProtocolException;
import io.github.multiprocessing4j.internal.memory.SessionMemory;
import io.github.multiprocessing4j.internal.remote.ChildCredentials;
import io.github.multiprocessing4j.internal.remote.CodeCache;
import io.github.multiprocessing4j.internal.remote.ParentConnector;
import io.github.multiprocessing4j.internal.remote.ShippedLogging;
import io.github.multiprocessing4j.internal.ring.RingQueue;
import io.github.multiprocessing4j.internal.shared.SharedObjects;
import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The main class of every child JVM, whatever the launcher: connects back to the parent,
 * authenticates, receives its process object, becomes that process ({@code currentProcess()},
 * {@code parentProcess()}), runs it, ends its own children, and tells the parent how it ended
 * before exiting (SPEC L12–L16, L24, C1–C3). Python: {@code spawn._main} and
 * {@code BaseProcess._bootstrap}.
 *
 * <p>Arguments: the control socket's path and this child's id. The secret is read from
 * {@code <socket directory>/<id>.key}, which is deleted at once. A child that reaches its parent
 * over the network (SPEC R1) gets {@code tls:<host>:<port>} instead of the path, and reads its
 * secret and the parent's certificate pin from its real standard input.
 */
public final class ChildRuntime {

    /** The third argument of a warm standby JVM, which boots before its task is chosen. */
    static final String STANDBY = "standby";
    /**
     * The system property through which the parent tells a child which jars of launchers it does
     * not use it left off the child's class path (file names, comma separated): named in the
     * hint a child prints when one of its classes cannot be found.
     */
    static final String LEFT_OFF_PROPERTY = "multiprocessing4j.classpath.leftOff";

    /** Exit code when the child cannot even get its task: 1, like an uncaught exception. */
    private static final int SETUP_FAILED = 1;
    /** How long the child waits for its last frames to be written before it exits anyway. */
    private static final long FLUSH_MILLIS = 5000;
    /** How long a daemon's shutdown may take after its parent died before the JVM is halted. */
    private static final long ORPHAN_EXIT_GRACE_MILLIS = 1000;
    /** How long a child's end waits at most for its logging backend to take what it logged. */
    private static final long LOGGING_BACKEND_SECONDS = 10;

    private static volatile ChildRuntime running;
    /** The signal that made this JVM exit, recorded by the handler; 0 if none. */
    private static volatile int signal;

    private final SocketChannel channel;
    /** The connection over the network that the channel is relayed to, or null for a Unix socket. */
    private final ParentConnector.Connection remote;
    private final ParentLink link;
    private final Object endLock = new Object();
    private boolean endSent;
    private volatile boolean exiting;
    /** The watcher's reader, once the target runs. */
    private volatile FrameReader reader;

    private ChildRuntime(SocketChannel channel, ParentConnector.Connection remote) {
        this.channel = channel;
        this.remote = remote;
        this.link = new ParentLink(channel);
    }

    /**
     * Sends what the child's callable produced to the parent, before the child ends.
     *
     * @param encoded the encoded result
     * @throws IllegalStateException if this JVM is not a child
     * @throws IOException if the parent is gone
     */
    public static void sendResult(byte[] encoded) throws IOException {
        ChildRuntime runtime = running;
        if (runtime == null) {
            throw new IllegalStateException("only a child process can send a result to its parent");
        }
        runtime.link.writer().sendAndWait(Frames.RESULT, encoded, FLUSH_MILLIS);
    }

    /**
     * Entry point of a child JVM.
     *
     * @param args the control socket's path and the child's id
     */
    public static void main(String[] args) {
        // SPEC L13: user code sees an empty standard input, whatever the launcher left there
        System.setIn(new ByteArrayInputStream(new byte[0]));
        if (args.length != 2 && !(args.length == 3 && STANDBY.equals(args[2]))) {
            System.err.println("multiprocessing4j: the child runtime is started by ChildProcess.start(), not by hand");
            System.exit(2);
        }
        Path socket = args[0].startsWith(ParentConnector.SCHEME) || args[0].startsWith(ParentConnector.IMAGE_SCHEME)
                ? null : Path.of(args[0]);
        String id = args[1];
        // A warm standby does this work before its task arrives. A cold child does it on a
        // second thread while this one connects and authenticates: a JVM's first handshake,
        // object stream and lambda cost it tens of milliseconds of class loading and
        // initialisation, and the parent waits idle meanwhile.
        boolean standby = args.length == 3;
        Thread preload = null;
        if (!standby) {
            preload = new Thread(ChildRuntime::preload, "multiprocessing4j-preload");
            preload.setDaemon(true);
            preload.start();
        }
        Signals.handleExitSignals(n -> signal = n, ChildRuntime::exitStatus);
        if (standby) {
            preload();
        }
        ChildRuntime runtime;
        TaskCodec.Task task;
        try {
            byte[] secret;
            SocketChannel channel;
            ParentConnector.Connection remote = null;
            boolean shipped = args[0].startsWith(ParentConnector.SCHEME);
            if (shipped || args[0].startsWith(ParentConnector.IMAGE_SCHEME)) {
                // SPEC R1: over the network, with the secret and the parent's certificate pin
                // on the real standard input, which user code never sees
                InputStream input = SignalRequests.standardInput();
                ChildCredentials credentials = ChildCredentials.read(input);
                SignalRequests.start(input);
                secret = credentials.secret();
                remote = ParentConnector.connect(args[0].substring(args[0].indexOf(':') + 1), credentials.pin());
                channel = remote.channel();
            } else {
                secret = readAndDeleteSecret(socket.resolveSibling(id + ".key"));
                channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            }
            runtime = new ChildRuntime(channel, remote);
            Frames.write(channel, Frames.HELLO, id.getBytes(StandardCharsets.US_ASCII));
            Handshake.authenticateParent(channel, secret);
            if (shipped) {
                // SPEC R2: the class path arrives by content hash before the task that needs it
                ClassLoader classes = CodeCache.receive(channel);
                Thread.currentThread().setContextClassLoader(classes);
                ShippedLogging.bindTo(classes);
            }
            byte[] encoded = Frames.expect(channel, Frames.TASK, Frames.MAX_FROM_PARENT);
            task = TaskCodec.decode(encoded);
        } catch (ClassNotFoundException e) {
            System.err.println("multiprocessing4j: the child cannot load class " + e.getMessage()
                    + " of its target: it is not on the child's class path (by default the parent's);"
                    + " add it with ChildProcess.builder(..).classPath(..) or to the image");
            System.exit(SETUP_FAILED);
            return;
        } catch (IOException | RuntimeException e) {
            // a warm standby whose parent ended (and removed its control channel) before any
            // process needed it has nothing to report: the parent's orderly exit ends it so
            if (!(standby && socket != null && !Files.exists(socket))) {
                System.err.println("multiprocessing4j: the child could not receive its task from the parent: " + e);
            }
            System.exit(SETUP_FAILED);
            return;
        }
        if (preload != null) {
            // no preload work runs beside user code: what it has not done yet, the task's
            // first steps would wait for on the same class-initialisation locks anyway
            awaitPreload(preload);
        }
        runtime.run(task);
    }

    private static void preload() {
        Handshake.prepare();
        Preload.classesOfATask();
    }

    private static void awaitPreload(Thread preload) {
        try {
            preload.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(TaskCodec.Task task) {
        ProcessBody process = task.process();
        CurrentProcess.becomeChild(process, task.pid(), task.parent());
        SessionMemory.inherit(task.sharedMemoryDirectory());
        running = this;
        SharedObjects.setUpstream(link);
        ShutdownSequence.setFinalStep(this::reportExitAtShutdown);
        watchParent(process.isDaemon() || task.dieWithParent());

        int code;
        try {
            process.run();
            code = 0;
        } catch (Throwable t) {
            // Python's _bootstrap: "Process <name>:" and the traceback on stderr, exit code 1
            PrintStream err = stderr();
            err.println("Process " + process.name() + ":");
            t.printStackTrace(err);
            hintAtLeftOffJars(t, err);
            code = 1;
        }
        joinNonDaemonThreads();
        // Python joins its queues' feeder threads at exit: what a put buffered is written first
        RingQueue.flushAll();
        ChildRegistry.endChildren();
        awaitLoggingBackend();
        flushStandardStreams();
        sendEnd(new EndReport(code == 0 ? EndReport.Kind.RETURNED : EndReport.Kind.FAILED, code, 0));
        System.exit(code);
    }

    /**
     * When a class could not be found and the parent left launchers' jars off this child's class
     * path, says which and how to keep them: the one way that leaving them off can fail.
     */
    private static void hintAtLeftOffJars(Throwable failure, PrintStream err) {
        String leftOff = System.getProperty(LEFT_OFF_PROPERTY, "");
        for (Throwable t = failure; t != null && !leftOff.isEmpty(); t = t.getCause()) {
            if (t instanceof NoClassDefFoundError || t instanceof ClassNotFoundException) {
                err.println("Note: this child's class path lacks " + leftOff + ", which only launchers that it does not"
                        + " use need. If the missing class is in one of them, start the parent with"
                        + " -Dmultiprocessing4j.child.launchers=all (or name the launcher), or give the class path"
                        + " with ChildProcess.Builder.classPath(..).");
                return;
            }
        }
    }

    /**
     * The exit status after a signal: {@code 128 + N}, but 1 after SIGINT, which Python turns into
     * a {@code KeyboardInterrupt} in the target, and so an uncaught exception (SPEC L14, L23).
     */
    private static int exitStatus(int signal) {
        return signal == Signals.SIGINT ? 1 : 128 + signal;
    }

    /** Runs in the shutdown hook: the JVM exits for a reason other than the target's end. */
    private void reportExitAtShutdown() {
        int received = signal;
        if (received == Signals.SIGINT) {
            synchronized (endLock) {
                if (endSent) {
                    // the target's end was reported already: the JVM exits with its code
                    return;
                }
            }
            // Python prints the KeyboardInterrupt's traceback after "Process <name>:"
            PrintStream err = stderr();
            err.println("Process " + CurrentProcess.get().info().name() + ":");
            err.println("KeyboardInterrupt: the process was interrupted with SIGINT");
            flushStandardStreams();
            sendEnd(new EndReport(EndReport.Kind.FAILED, 1, 0));
            return;
        }
        flushStandardStreams();
        sendEnd(received > 0
                ? new EndReport(EndReport.Kind.SIGNALLED, 128 + received, received)
                : new EndReport(EndReport.Kind.EXIT_CALLED, -1, 0));
    }

    private void sendEnd(EndReport report) {
        synchronized (endLock) {
            if (endSent) {
                return;
            }
            endSent = true;
            exiting = true;
            try {
                link.writer().sendAndWait(Frames.END, report.encode(), FLUSH_MILLIS);
            } catch (IOException e) {
                // the parent is gone; nobody is left to tell
            }
            // closing also ends the watcher's wait, so the JVM exits without a stall
            if (remote != null) {
                // the relay copies the last frames (the end report, posted puts before it) to
                // the network after this close: the exit must wait for it, or it may cut them off
                remote.closeAndFlush(FLUSH_MILLIS);
            } else {
                ControlServer.closeQuietly(channel);
            }
            FrameReader frames = reader;
            if (frames != null) {
                frames.wakeup();
            }
        }
    }

    /**
     * Reads the channel until it ends. A daemon (or a process that asked to die with its
     * parent) exits when the parent is gone without having ended it: the parent was killed
     * before it could run its shutdown code (SPEC L24).
     */
    private void watchParent(boolean exitWithParent) {
        FrameReader frames;
        try {
            frames = new FrameReader(channel, Frames.MAX_FROM_PARENT);
        } catch (IOException e) {
            // the channel broke before the target started: as a dead parent
            link.closed();
            if (exitWithParent) {
                exitBecauseParentDied();
            }
            return;
        }
        reader = frames;
        Thread watcher = new Thread(() -> {
            try (frames) {
                Frames.Frame frame;
                while ((frame = frames.next()) != null) {
                    if (frame.type() != Frames.REPLY) {
                        throw new ProtocolException("unexpected frame type " + frame.type() + " from the parent");
                    }
                    link.replied(frame.payload());
                }
            } catch (ClosedChannelException e) {
                // this side closed it: the child is exiting
                link.closed();
                return;
            } catch (IOException e) {
                // a broken channel is a dead parent, too
            }
            link.closed();
            if (exitWithParent && !exiting) {
                exitBecauseParentDied();
            }
        }, "multiprocessing4j-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void exitBecauseParentDied() {
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(ORPHAN_EXIT_GRACE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(128 + 15);
        }, "multiprocessing4j-orphan-halt");
        halt.setDaemon(true);
        halt.start();
        flushStandardStreams();
        System.exit(128 + 15);
    }

    /**
     * The standard error stream user code left, or the process's own file descriptor 2 if it set
     * {@code System.err} to null: the runtime must not trip over what user code did to the
     * standard streams (Python checks {@code sys.stderr is not None}).
     */
    private static PrintStream stderr() {
        PrintStream err = System.err;
        return err != null ? err : new PrintStream(new FileOutputStream(FileDescriptor.err), true);
    }

    /**
     * A shipped child binds its logging backend only once something is logged, on a thread of its
     * own (ShippedLogging): what was logged reaches the backend before the child reports its end.
     */
    private static void awaitLoggingBackend() {
        try {
            if (!ShippedLogging.awaitBackend(LOGGING_BACKEND_SECONDS, TimeUnit.SECONDS)) {
                stderr().println("multiprocessing4j: the logging backend did not start within "
                        + LOGGING_BACKEND_SECONDS + " s: what this child logged may be lost");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Python's {@code _flush_std_streams}: flushes what user code left in place, if anything. */
    private static void flushStandardStreams() {
        for (PrintStream stream : new PrintStream[] {System.out, System.err}) {
            if (stream != null) {
                stream.flush();
            }
        }
    }

    /** Python's {@code threading._shutdown}: the target's non-daemon threads finish first. */
    private static void joinNonDaemonThreads() {
        Thread self = Thread.currentThread();
        while (true) {
            List<Thread> others = new ArrayList<>();
            for (Thread thread : Thread.getAllStackTraces().keySet()) {
                if (thread != self && !thread.isDaemon() && thread.isAlive()
                        && !"DestroyJavaVM".equals(thread.getName())) {
                    others.add(thread);
                }
            }
            if (others.isEmpty()) {
                return;
            }
            for (Thread thread : others) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static byte[] readAndDeleteSecret(Path keyFile) throws IOException {
        try {
            byte[] secret = Files.readAllBytes(keyFile);
            Files.deleteIfExists(keyFile);
            if (secret.length != Handshake.SECRET_BYTES) {
                throw new IOException("the key file " + keyFile + " holds " + secret.length + " bytes");
            }
            return secret;
        } catch (NoSuchFileException e) {
            throw new IOException("the key file " + keyFile + " is gone: the parent ended or this child was started twice", e);
        }
    }
}
