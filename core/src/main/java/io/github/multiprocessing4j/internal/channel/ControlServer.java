package io.github.multiprocessing4j.internal.channel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parent's end of the control channel (SPEC C1–C4): one Unix-domain socket per JVM, in a
 * private ({@code rwx------}) directory under {@code java.io.tmpdir}, that children connect back
 * to. No TCP port is opened, so nothing listens beyond this host's file system, and containers
 * reach it through a bind mount without any network.
 *
 * <p>Each connection must say which child it is, then pass the mutual HMAC handshake within
 * {@link #HANDSHAKE_TIMEOUT}; anything else is dropped with one log line and the server goes on.
 */
public final class ControlServer {

    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
    private static final String DIRECTORY_PREFIX = "multiprocessing4j-";
    private static final Pattern DIRECTORY_NAME = Pattern.compile(DIRECTORY_PREFIX + "(\\d+)-.*");
    private static final int MAX_HELLO = 128;

    private static ControlServer instance;

    private final Path directory;
    private final Path socket;
    private final ServerSocketChannel server;
    private final Map<String, PendingChild> pending = new ConcurrentHashMap<>();
    /**
     * The last ids of children forgotten before they connected (ended while they started): a
     * hello from one of them is a child too late, not a stranger. Ids are random, so a peer cannot
     * use this to pass for one.
     */
    private final Set<String> forgotten = Collections.newSetFromMap(new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > 1024;
        }
    });
    private final ExecutorService connections = Executors.newCachedThreadPool(daemonThreads("multiprocessing4j-channel"));
    private final ExecutorService calls = Executors.newCachedThreadPool(daemonThreads("multiprocessing4j-calls"));
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(daemonThreads("multiprocessing4j-channel-timer"));

    private final CallRouter router;

    private ControlServer(CallRouter router, boolean removeStale) throws IOException {
        this.router = router;
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        if (removeStale) {
            removeDirectoriesOfDeadProcesses(tmp);
        }
        directory = Files.createTempDirectory(tmp, DIRECTORY_PREFIX + ProcessHandle.current().pid() + "-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        socket = directory.resolve("control.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread acceptor = new Thread(this::acceptLoop, "multiprocessing4j-channel-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        Log.LOGGER.debug("control channel listening on {}", socket);
    }

    /**
     * The server of this JVM, started on first use.
     *
     * @param router where the calls of children on shared objects go; used when the server
     *     starts
     * @param removeStale whether starting the server removes the directories that dead processes
     *     left: only a main process may, since a child may run in a container, where its parent's
     *     directory is mounted in and that parent's host pid looks dead from inside
     * @return the server, never null
     * @throws IOException if the socket or its directory cannot be created
     */
    public static synchronized ControlServer get(CallRouter router, boolean removeStale) throws IOException {
        if (instance == null) {
            instance = new ControlServer(router, removeStale);
        }
        return instance;
    }

    /** Where the calls of children go. */
    CallRouter router() {
        return router;
    }

    /** Stops the server, if it was started, and removes its directory. */
    public static synchronized void shutdown() {
        if (instance != null) {
            instance.close();
            instance = null;
        }
    }

    /**
     * The private directory that holds the socket and the key files; a launcher shares it with
     * a child that runs elsewhere (a container).
     *
     * @return the directory, never null
     */
    public Path directory() {
        return directory;
    }

    /**
     * The Unix-domain socket children connect to.
     *
     * @return its path, never null
     */
    public Path socket() {
        return socket;
    }

    /**
     * Prepares for one child: a fresh id and secret, the secret in a file only this user can
     * read, which the child deletes as soon as it has read it (SPEC C2: never on a command line,
     * in the environment or in a log).
     */
    public PendingChild expect(String processName) throws IOException {
        return expect(processName, true);
    }

    /**
     * Prepares for one child, as {@link #expect(String)}, with or without the key file.
     *
     * @param processName the child's name, for logs
     * @param keyFile whether to write the secret to a key file next to the socket; a child that
     *     reaches this parent over the network gets it on its standard input instead (SPEC R1)
     * @return the pending child, never null
     * @throws IOException if the key file cannot be written
     */
    public PendingChild expect(String processName, boolean keyFile) throws IOException {
        byte[] idBytes = new byte[16];
        new java.security.SecureRandom().nextBytes(idBytes);
        String id = HexFormat.of().formatHex(idBytes);
        byte[] secret = Handshake.newSecret();
        Path file = null;
        if (keyFile) {
            file = directory.resolve(id + ".key");
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(file, secret);
        }
        Path keyFilePath = file;
        PendingChild child = new PendingChild(this, id, processName, secret, keyFilePath);
        pending.put(id, child);
        return child;
    }

    void forget(PendingChild child, boolean beforeItConnected) {
        if (pending.remove(child.id(), child) && beforeItConnected) {
            synchronized (forgotten) {
                forgotten.add(child.id());
            }
        }
    }

    /** Runs calls from children on shared objects: a blocking call holds one thread. */
    ExecutorService calls() {
        return calls;
    }

    ScheduledExecutorService timer() {
        return timer;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel channel = server.accept();
                connections.execute(() -> serve(channel));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                Log.LOGGER.warn("control channel: accept failed: {}", e.toString());
            }
        }
    }

    private void serve(SocketChannel channel) {
        ScheduledFuture<?> deadline = timer.schedule(() -> closeQuietly(channel),
                HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        PendingChild child = null;
        boolean attached = false;
        try {
            byte[] hello = Frames.expectUnlessClosed(channel, Frames.HELLO, MAX_HELLO);
            if (hello == null) {
                // connected, then closed without a byte: a child that ended while it started (a
                // pool or warm standby ended at once), not a peer that tried anything
                Log.LOGGER.debug("control channel: a connection closed before saying hello");
                return;
            }
            String id = new String(hello, StandardCharsets.US_ASCII);
            child = pending.get(id);
            if (child == null) {
                boolean late;
                synchronized (forgotten) {
                    late = forgotten.contains(id);
                }
                if (late) {
                    Log.LOGGER.debug("control channel: hello from a child that was ended before it connected");
                    return;
                }
                throw new ProtocolException("hello from an unknown child");
            }
            Handshake.authenticateChild(channel, child.secret());
            if (!deadline.cancel(false)) {
                throw new AsynchronousCloseException();
            }
            attached = child.attach(channel);
            if (!attached) {
                throw new ProtocolException("a second connection for process '" + child.processName() + "'");
            }
            child.serve(channel);
        } catch (AsynchronousCloseException e) {
            if (!attached) {
                Log.LOGGER.warn("control channel: dropped a connection that did not authenticate within {} ms",
                        HANDSHAKE_TIMEOUT.toMillis());
            }
        } catch (IOException | RuntimeException e) {
            if (attached) {
                Log.LOGGER.debug("control channel of '{}' ended: {}", child.processName(), e.toString());
            } else {
                Log.LOGGER.warn("control channel: dropped a connection{}: {}",
                        child == null ? "" : " claiming to be '" + child.processName() + "'", e.getMessage());
            }
        } finally {
            deadline.cancel(false);
            closeQuietly(channel);
            if (attached) {
                child.channelClosed();
            }
        }
    }

    private void close() {
        closeQuietly(server);
        connections.shutdownNow();
        calls.shutdownNow();
        timer.shutdownNow();
        pending.values().forEach(PendingChild::close);
        deleteRecursively(directory);
    }

    private static void removeDirectoriesOfDeadProcesses(Path tmp) {
        try (Stream<Path> entries = Files.list(tmp)) {
            entries.forEach(entry -> {
                Matcher matcher = DIRECTORY_NAME.matcher(entry.getFileName().toString());
                if (matcher.matches() && Files.isWritable(entry)
                        && ProcessHandle.of(Long.parseLong(matcher.group(1))).isEmpty()) {
                    deleteRecursively(entry);
                }
            });
        } catch (IOException | UncheckedIOException | NumberFormatException e) {
            Log.LOGGER.debug("could not look for stale control directories in {}: {}", tmp, e.toString());
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    Log.LOGGER.debug("could not delete {}: {}", path, e.toString());
                }
            });
        } catch (IOException | UncheckedIOException e) {
            Log.LOGGER.debug("could not delete {}: {}", root, e.toString());
        }
    }

    /**
     * Closes, ignoring a failure to close: nothing is left to do with such a channel.
     *
     * @param closeable what to close
     */
    public static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // nothing left to do with a channel that failed to close
        }
    }

    /**
     * A factory of daemon threads named {@code <name>-<n>}.
     *
     * @param name the threads' name prefix
     * @return the factory, never null
     */
    public static ThreadFactory daemonThreads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static final class Log {
        static final Logger LOGGER = LoggerFactory.getLogger(ControlServer.class);
    }
}
