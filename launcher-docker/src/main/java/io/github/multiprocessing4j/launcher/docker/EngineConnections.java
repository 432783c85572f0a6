package io.github.multiprocessing4j.launcher.docker;

import com.github.dockerjava.transport.DockerHttpClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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
 * pool. The old pool stays open for the streams that may still run on it (a container's output
 * and exit) and is closed with this client.
 */
final class EngineConnections implements DockerHttpClient {

    private static final Logger LOGGER = LoggerFactory.getLogger(EngineConnections.class);

    private final Supplier<DockerHttpClient> pools;
    private final List<DockerHttpClient> retired = new ArrayList<>();
    private volatile DockerHttpClient current;

    /**
     * @param pools makes a client with a pool of its own, at first and after each restart seen
     */
    EngineConnections(Supplier<DockerHttpClient> pools) {
        this.pools = pools;
        this.current = pools.get();
    }

    @Override
    public Response execute(Request request) {
        DockerHttpClient client = current;
        try {
            return client.execute(request);
        } catch (RuntimeException e) {
            if (!neverReachedTheEngine(e) || !canBeSentAgain(request)) {
                throw e;
            }
            LOGGER.debug("{} {} found a connection that the engine had closed (restarted?): sending it again on new"
                    + " connections", request.method(), request.path());
            return renew(client).execute(request);
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

    private synchronized DockerHttpClient renew(DockerHttpClient failed) {
        if (current == failed) {
            retired.add(failed);
            current = pools.get();
        }
        return current;
    }

    @Override
    public synchronized void close() throws IOException {
        IOException failure = null;
        List<DockerHttpClient> all = new ArrayList<>(retired);
        all.add(current);
        for (DockerHttpClient client : all) {
            try {
                client.close();
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        retired.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
