package io.github.multiprocessing4j.launcher.docker;

import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The launcher's HTTP connections to the engine, made to outlive a restart of the engine.
 *
 * <p>docker-java's Apache transport turns off the check that HttpClient makes of a pooled
 * connection before it uses it again. Once dockerd has been restarted, every connection left idle
 * in the pool is dead, and the next request written to one fails with "Broken pipe": the
 * reliability suite's long form saw a start fail so after the engine came back, once in twelve
 * restarts ({@code EngineFaultTest}), and the clean-up of launches cut by the stop log it. A
 * request that fails that way never reached the engine, so it is sent again, once, through a new
 * pool. The old pool is closed as soon as the last response still open on it (a container's
 * output or exit stream) is closed, so that its connections do not outlive it.
 */
final class EngineConnections implements DockerHttpClient {

    private static final Logger LOGGER = LoggerFactory.getLogger(EngineConnections.class);

    private final Supplier<DockerHttpClient> pools;
    /** Retired pools: each closes itself once its last response is closed, the rest close with this. */
    private final Set<Pool> retired = ConcurrentHashMap.newKeySet();
    private volatile Pool current;

    /**
     * @param pools makes a client with a pool of its own, at first and after each restart seen
     */
    EngineConnections(Supplier<DockerHttpClient> pools) {
        this.pools = pools;
        this.current = new Pool(pools.get());
    }

    @Override
    public Response execute(Request request) {
        Pool pool = current;
        try {
            return pool.execute(request);
        } catch (RuntimeException e) {
            // a pool retired meanwhile by another request may have been closed under this one
            if (!(neverReachedTheEngine(e) || pool.retired.get()) || !canBeSentAgain(request)) {
                throw e;
            }
            LOGGER.debug("{} {} found a connection that the engine had closed (restarted?): sending it again on new"
                    + " connections", request.method(), request.path());
            return renew(pool).execute(request);
        }
    }

    /** A write to a connection the engine had closed before: nothing of the request got through. */
    static boolean neverReachedTheEngine(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException && cause.getMessage() != null && cause.getMessage().contains("Broken pipe")) {
                return true;
            }
        }
        return false;
    }

    /** A request whose body can be read again: none, or bytes (a stream may be half read). */
    private static boolean canBeSentAgain(Request request) {
        return request.hijackedInput() == null && (request.bodyBytes() != null || request.body() == null);
    }

    private synchronized Pool renew(Pool failed) {
        if (current == failed) {
            current = new Pool(pools.get());
            retired.add(failed);
            failed.retire();
        }
        return current;
    }

    @Override
    public synchronized void close() throws IOException {
        for (Pool pool : retired) {
            pool.closeQuietly();
        }
        retired.clear();
        current.retire();
        // at once, even with responses open: closing the launcher ends its streams
        current.closeQuietly();
    }

    /** One client and its pool, with a count of the responses still open on it. */
    private static final class Pool {

        final DockerHttpClient client;
        final AtomicInteger open = new AtomicInteger();
        final AtomicBoolean retired = new AtomicBoolean();
        private final AtomicBoolean closed = new AtomicBoolean();

        Pool(DockerHttpClient client) {
            this.client = client;
        }

        Response execute(Request request) {
            open.incrementAndGet();
            try {
                return new CountedResponse(client.execute(request), this);
            } catch (RuntimeException e) {
                released();
                throw e;
            }
        }

        void released() {
            if (open.decrementAndGet() == 0 && retired.get()) {
                closeQuietly();
            }
        }

        void retire() {
            retired.set(true);
            if (open.get() == 0) {
                closeQuietly();
            }
        }

        void closeQuietly() {
            if (closed.compareAndSet(false, true)) {
                try {
                    client.close();
                } catch (IOException e) {
                    LOGGER.debug("closing the connections of a retired pool: {}", e.toString());
                }
            }
        }
    }

    /** A response that tells its pool when it is closed, once. */
    private static final class CountedResponse implements Response {

        private final Response response;
        private final Pool pool;
        private final AtomicBoolean closed = new AtomicBoolean();

        CountedResponse(Response response, Pool pool) {
            this.response = response;
            this.pool = pool;
        }

        @Override
        public int getStatusCode() {
            return response.getStatusCode();
        }

        @Override
        public Map<String, List<String>> getHeaders() {
            return response.getHeaders();
        }

        @Override
        public String getHeader(String name) {
            return response.getHeader(name);
        }

        @Override
        public InputStream getBody() {
            return response.getBody();
        }

        @Override
        public void close() {
            try {
                response.close();
            } finally {
                if (closed.compareAndSet(false, true)) {
                    pool.released();
                }
            }
        }
    }
}
