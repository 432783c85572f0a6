package io.github.multiprocessing4j.reliability;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Churn on the docker launcher: the same cycles in containers, then zero leaked processes,
 * file descriptors, threads and containers. Skipped without an engine (failing with
 * {@code CI=true}).
 */
@Order(20)
@Timeout(3600)
@Tag("churn")
class DockerChurnTest {

    static final int SEQUENTIAL = Form.pick(8, 250);
    static final int CONCURRENT = Form.pick(8, 250);
    /** Fewer threads than local: each concurrent container costs the engine as much as the JVM. */
    static final int THREADS = Form.pick(4, 16);

    @BeforeAll
    static void engine() {
        DockerEngine.assumeAvailable();
    }

    @Test
    void startJoinCyclesInContainersLeakNothing() throws Exception {
        new Churn("docker", "docker", THREADS, builder -> builder).run(SEQUENTIAL, CONCURRENT);
    }
}
