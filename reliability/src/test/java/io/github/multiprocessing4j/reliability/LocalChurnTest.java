package io.github.multiprocessing4j.reliability;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Churn on the local launcher: start/join cycles, sequential and on 16 threads, then zero leaked
 * processes, file descriptors and threads (measured, printed). The sequential cycles are a part
 * of the long form of their own ({@code churn-sequential}, about 50 minutes): with the others
 * they took longer than the hour a part may take.
 */
@Order(10)
@Timeout(3600)
class LocalChurnTest {

    static final int SEQUENTIAL = Form.pick(40, 10_000);
    static final int CONCURRENT = Form.pick(40, 2_000);
    static final int THREADS = 16;

    @Test
    @Tag("churn-sequential")
    void sequentialStartJoinCyclesLeakNothing() throws Exception {
        new Churn("local", "local", THREADS, builder -> builder).run(SEQUENTIAL, 0);
    }

    @Test
    @Tag("churn")
    void concurrentStartJoinCyclesLeakNothing() throws Exception {
        new Churn("local concurrent", "local", THREADS, builder -> builder).run(0, CONCURRENT);
    }
}
