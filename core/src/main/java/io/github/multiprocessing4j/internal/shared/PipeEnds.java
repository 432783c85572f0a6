package io.github.multiprocessing4j.internal.shared;

import io.github.multiprocessing4j.internal.ring.MappedRing;
import io.github.multiprocessing4j.internal.ring.RingPipeEnd;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How this process reaches each pipe end it uses: through the pipe's rings ({@link RingPipeEnd},
 * mapped here once per end and process), through calls that the pipe's process performs in its
 * rings (this process cannot map them), or through calls to the messages that the pipe's process
 * keeps (a pipe without rings). Learnt from {@link HostedPipe#ATTACH} at the end's first use in
 * this process, which also tells the pipe's process that this one holds the end.
 */
public final class PipeEnds {

    /** How an end is reached. */
    public enum Way {
        /** Through the rings, mapped here. */
        RINGS,
        /** Through calls that the pipe's process performs in its rings. */
        CALLS_INTO_RINGS,
        /** Through calls to the messages the pipe's process keeps. */
        CALLS
    }

    /**
     * An end as this process reaches it.
     *
     * @param way how
     * @param rings the end, mapped here, for {@link Way#RINGS}; else null
     */
    public record Route(Way way, RingPipeEnd rings) {
    }

    private static final Route CALLS = new Route(Way.CALLS, null);
    private static final Route CALLS_INTO_RINGS = new Route(Way.CALLS_INTO_RINGS, null);
    /**
     * The routes of this process, by end; weakly, so that a route and its mappings go with the
     * last handle of the end here (each handle holds its route), and the memory with them.
     */
    static final WeakValues<String, Route> ROUTES = new WeakValues<>();
    /** The rings mapped in this process, by file: a mapping gives out one reader and one writer. */
    static final WeakValues<Path, MappedRing> MAPPED = new WeakValues<>();
    private static final AtomicBoolean MAP_FAILURE_LOGGED = new AtomicBoolean();

    private PipeEnds() {
    }

    /**
     * Notes rings that this process created and mapped, so that its own ends use that mapping.
     *
     * @param rings the rings, nulls skipped
     */
    public static void created(MappedRing... rings) {
        for (MappedRing ring : rings) {
            if (ring != null) {
                MAPPED.put(ring.path(), ring);
            }
        }
    }

    /**
     * How this process reaches an end; the first call for an end asks the pipe's process. The
     * caller keeps the route for as long as it uses the end: the route is shared with other
     * handles of the end here only while one of them holds it.
     *
     * @param pipeId the pipe's id
     * @param end 0 or 1
     * @param readable whether this end receives
     * @param writable whether this end sends
     * @return the route, never null
     */
    public static Route of(String pipeId, int end, boolean readable, boolean writable) {
        String key = pipeId + "#" + end;
        Route route = ROUTES.get(key);
        if (route != null) {
            return route;
        }
        synchronized (ROUTES) {
            route = ROUTES.get(key);
            if (route == null) {
                route = resolve(pipeId, end, readable, writable);
                ROUTES.put(key, route);
            }
            return route;
        }
    }

    private static Route resolve(String pipeId, int end, boolean readable, boolean writable) {
        Object[] rings = HostedPipe.parseRings(Shared.quickCall(pipeId, HostedPipe.ATTACH, end));
        if (rings == null) {
            return CALLS;
        }
        int token = (Integer) rings[0];
        Path inbound = readable ? (Path) rings[1 + end] : null;
        Path outbound = writable ? (Path) rings[2 - end] : null;
        try {
            return new Route(Way.RINGS, new RingPipeEnd(map(inbound), map(outbound), token,
                    () -> SharedObjects.isReachable(pipeId)));
        } catch (IOException | RuntimeException e) {
            // rings whose files are not here (another host: a pod) are the expected case, which the
            // README states; logging it would bind the logging backend in every such child
            if (!(e instanceof NoSuchFileException) && MAP_FAILURE_LOGGED.compareAndSet(false, true)) {
                Log.LOGGER.info("cannot map a pipe's rings here ({}): this process sends and receives through calls"
                        + " to the pipe's process instead, which is slower", e.toString());
            }
            return CALLS_INTO_RINGS;
        }
    }

    private static MappedRing map(Path file) throws IOException {
        if (file == null) {
            return null;
        }
        MappedRing ring = MAPPED.get(file);
        if (ring == null) {
            ring = MappedRing.open(file);
            MAPPED.put(file, ring);
        }
        return ring;
    }

    private static final class Log {
        static final Logger LOGGER = LoggerFactory.getLogger(PipeEnds.class);
    }
}
