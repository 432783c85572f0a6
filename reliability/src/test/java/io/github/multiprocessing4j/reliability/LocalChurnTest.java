package io.github.multiprocessing4j.reliability;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Churn on the local launcher: start/join cycles, sequential and on 16 threads, then zero leaked
 * processes, file descriptors and threads (measured, printed).
 */
@Order(10)
@Timeout(3600)
@Tag("churn")
class LocalChurnTest {

    static final int SEQUENTIAL = Form.pick(40, 10_000);
    static final int CONCURRENT = Form.pick(40, 2_000);
    static final int THREADS = 16;

    @Test
    void startJoinCyclesLeakNothing() throws Exception {
        new Churn("local", THREADS, builder -> builder).run(SEQUENTIAL, CONCURRENT);
    }
}
