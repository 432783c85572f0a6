package io.github.multiprocessing4j.launcher.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request after the engine has closed the launcher's idle connections, as a restarted dockerd
 * has: docker-java's client writes it to a dead pooled connection and fails with "Broken pipe"
 * (the reliability suite's long form: a start failed so after dockerd came back); the launcher's
 * connections send it again on a new pool. Against a fake engine on a Unix socket that answers
 * every request with 200 and keeps its connections open until told to drop them.
 */
@Timeout(60)
class EngineConnectionsTest {

    @TempDir
    Path tmp;

    @Test
    void aRequestAfterTheEngineDroppedItsConnectionsIsSentAgainOnNewOnes() throws Exception {
        try (FakeEngine engine = new FakeEngine(tmp.resolve("engine.sock"));
             EngineConnections client = new EngineConnections(engine::client)) {
            assertEquals(200, status(client, ping()));
            engine.dropConnections();
            assertEquals(200, status(client, waitFor()));
            assertEquals(2, engine.connectionsAccepted(), "a second connection, from a new pool");
            assertEquals(200, status(client, ping()), "and the new pool serves what follows");
        }
    }

    @Test
    void theOldPoolIsClosedOnceItsLastResponseIsClosed() throws Exception {
        List<AtomicInteger> closes = new CopyOnWriteArrayList<>();
        try (FakeEngine engine = new FakeEngine(tmp.resolve("engine.sock"))) {
            Supplier<DockerHttpClient> pools = () -> {
                DockerHttpClient client = engine.client();
                AtomicInteger closed = new AtomicInteger();
                closes.add(closed);
                return new DockerHttpClient() {
                    @Override
                    public Response execute(Request request) {
                        return client.execute(request);
                    }

                    @Override
                    public void close() throws IOException {
                        closed.incrementAndGet();
                        client.close();
                    }
                };
            };
            try (EngineConnections client = new EngineConnections(pools)) {
                DockerHttpClient.Response held = client.execute(ping());
                assertEquals(200, held.getStatusCode());
                assertEquals(200, status(client, ping()), "on a second connection of the first pool");
                engine.dropConnections();
                assertEquals(200, status(client, waitFor()));
                assertEquals(2, closes.size(), "a second pool");
                assertEquals(0, closes.get(0).get(), "the first pool stays open while a response of it is");
                held.close();
                held.close();
                assertEquals(1, closes.get(0).get(), "and closes with it, once");
            }
            assertEquals(1, closes.get(0).get());
            assertEquals(1, closes.get(1).get(), "the current pool closes with the client");
        }
    }

    @Test
    void docker_javasOwnClientFailsSo() throws Exception {
        try (FakeEngine engine = new FakeEngine(tmp.resolve("engine.sock"));
             DockerHttpClient client = engine.client()) {
            assertEquals(200, status(client, ping()));
            engine.dropConnections();
            RuntimeException e = assertThrows(RuntimeException.class, () -> status(client, waitFor()));
            assertTrue(EngineConnections.neverReachedTheEngine(e), String.valueOf(e));
        }
    }

    @Test
    void otherFailuresAreNotSentAgain() throws Exception {
        AtomicInteger made = new AtomicInteger();
        Supplier<DockerHttpClient> failing = () -> {
            made.incrementAndGet();
            return new DockerHttpClient() {
                @Override
                public Response execute(Request request) {
                    throw new RuntimeException(new IOException("Connection refused"));
                }

                @Override
                public void close() {
                }
            };
        };
        try (EngineConnections client = new EngineConnections(failing)) {
            assertThrows(RuntimeException.class, () -> client.execute(ping()));
            assertEquals(1, made.get(), "no new pool for an engine that is not there");
        }
    }

    private static DockerHttpClient.Request ping() {
        return DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.GET).path("/_ping").build();
    }

    private static DockerHttpClient.Request waitFor() {
        return DockerHttpClient.Request.builder().method(DockerHttpClient.Request.Method.POST)
                .path("/containers/c0ffee/wait?condition=next-exit").build();
    }

    private static int status(DockerHttpClient client, DockerHttpClient.Request request) throws IOException {
        try (DockerHttpClient.Response response = client.execute(request)) {
            response.getBody().readAllBytes();
            return response.getStatusCode();
        }
    }

    /** Answers each request with 200 and "OK", keeping the connection for the next one. */
    private static final class FakeEngine implements AutoCloseable {

        private final Path socket;
        private final ServerSocketChannel server;
        private final List<SocketChannel> open = new CopyOnWriteArrayList<>();
        private final List<Thread> serving = new CopyOnWriteArrayList<>();
        private final AtomicInteger accepted = new AtomicInteger();
        private final Thread acceptor;

        FakeEngine(Path socket) throws IOException {
            this.socket = socket;
            this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            acceptor = new Thread(this::accept, "fake-engine");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        DockerHttpClient client() {
            return new ApacheDockerHttpClient.Builder().dockerHost(URI.create("unix://" + socket)).build();
        }

        int connectionsAccepted() {
            return accepted.get();
        }

        /**
         * As a restarted engine: the connections it had are closed, new ones are served. Returns
         * once each is closed for good: a channel closed while its thread reads is closed when that
         * read returns, and until then a request written to it gets through.
         */
        void dropConnections() throws IOException {
            for (SocketChannel channel : open) {
                channel.close();
            }
            open.clear();
            for (Thread thread : serving) {
                try {
                    thread.join(10_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            serving.clear();
        }

        private void accept() {
            try {
                while (true) {
                    SocketChannel channel = server.accept();
                    accepted.incrementAndGet();
                    open.add(channel);
                    Thread serve = new Thread(() -> serve(channel), "fake-engine-connection");
                    serve.setDaemon(true);
                    serving.add(serve);
                    serve.start();
                }
            } catch (IOException e) {
                // closed
            }
        }

        private static void serve(SocketChannel channel) {
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            ByteArrayOutputStream pending = new ByteArrayOutputStream();
            try (channel) {
                while (channel.read(buffer) >= 0) {
                    buffer.flip();
                    pending.write(buffer.array(), 0, buffer.limit());
                    buffer.clear();
                    String text = pending.toString(StandardCharsets.ISO_8859_1);
                    int end;
                    // requests without a body here (GET, POST with none): a head ends each
                    while ((end = text.indexOf("\r\n\r\n")) >= 0) {
                        text = text.substring(end + 4);
                        channel.write(ByteBuffer.wrap(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                + "Content-Length: 2\r\n\r\nOK").getBytes(StandardCharsets.US_ASCII)));
                    }
                    pending.reset();
                    pending.write(text.getBytes(StandardCharsets.ISO_8859_1));
                }
            } catch (IOException e) {
                // dropped
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            dropConnections();
        }
    }
}
