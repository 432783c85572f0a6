package io.github.multiprocessing4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.tck.Capability;
import io.github.multiprocessing4j.tck.NoLeakedProcesses;
import io.github.multiprocessing4j.tck.OsProcesses;
import io.github.multiprocessing4j.tck.Scenario;
import io.github.multiprocessing4j.tck.TckLauncher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resource limits: a child that fills its heap, one that prints megabytes, one that does not end
 * on SIGTERM. The parent stays fine, nothing blocks, and every end has a clear exit code.
 *
 * <p>The documented grace: {@code terminate()} is a request (Python parity); a caller that must
 * see the child gone waits {@link #TERMINATE_GRACE} with {@code join(Duration)}, then calls
 * {@code kill()}. At the parent's exit, core does this itself for daemon children, with a grace
 * of 2 s ({@code ChildRegistry.DAEMON_GRACE}).
 */
@Order(70)
@ExtendWith(NoLeakedProcesses.class)
@Timeout(600)
@Tag("hostile")
class ResourceLimitsTest {

    static final Duration TERMINATE_GRACE = Duration.ofSeconds(2);
    static final int FLOOD_LINES = Form.pick(100_000, 1_000_000);
    private static final TckLauncher LOCAL = TckLauncher.of("local", EnumSet.of(Capability.HOST_PROCESS_TABLE));

    @TempDir
    Path tmp;

    private ChildProcess start(ChildProcess.Builder builder) {
        ChildProcess process = builder.build();
        process.start();
        Figures.CYCLES.incrementAndGet();
        return process;
    }

    @Test
    void aChildThatFillsItsHeapEndsWithAnErrorCodeAndTheParentIsFine() throws Exception {
        int plain = Children.joinWithDeadline(start(Children.builder(ResourceLimitsTest::fillHeap)
                .jvmOptions("-Xmx32m")));
        int exitOnOom = Children.joinWithDeadline(start(Children.builder(ResourceLimitsTest::fillHeap)
                .jvmOptions("-Xmx32m", "-XX:+ExitOnOutOfMemoryError")));
        Figures.row("resource limits", "heap filled (-Xmx32m): exit code, with ExitOnOutOfMemoryError", plain + ", " + exitOnOom);
        assertEquals(1, plain, "an OutOfMemoryError is an uncaught exception: exit code 1 (SPEC L14)");
        assertEquals(3, exitOnOom, "-XX:+ExitOnOutOfMemoryError exits with 3");
        assertEquals(0, Children.joinWithDeadline(start(Children.builder(Children::nothing))), "the parent is fine");
    }

    static void fillHeap() {
        List<long[]> hog = new ArrayList<>();
        while (true) {
            hog.add(new long[1 << 16]);
        }
    }

    @Test
    void megabytesOnStandardOutputAllArriveAndNothingBlocks() {
        long start = System.nanoTime();
        Scenario.ScenarioResult result = Scenario.of(LOCAL, FloodScenario.class, Integer.toString(FLOOD_LINES))
                .timeout(Duration.ofSeconds(120)).run();
        long millis = (System.nanoTime() - start) / 1_000_000;
        Figures.CYCLES.incrementAndGet();
        List<String> floods = result.stdout().stream().filter(line -> line.startsWith("flood ")).toList();
        long megabytes = (long) FLOOD_LINES * ("flood  ".length() + 6 + FloodScenario.PADDING.length() + 1) / 1_000_000;
        Figures.row("resource limits", "stdout flood: lines arrived (~MB, ms)", floods.size() + " of " + FLOOD_LINES
                + " (~" + megabytes + ", " + millis + ")");
        assertEquals("0", result.value("exit"), result.describe());
        assertEquals(FLOOD_LINES, floods.size(), "every line arrives");
        for (int i = 0; i < floods.size(); i++) {
            if (!floods.get(i).equals("flood " + i + " " + FloodScenario.PADDING)) {
                throw new AssertionError("line " + i + " is '" + floods.get(i) + "'");
            }
        }
    }

    @Test
    void aChildThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
        int[] codes = new int[2];
        for (int variant = 0; variant < 2; variant++) {
            String ready = tmp.resolve("stubborn-" + variant).toString();
            ChildProcess stubborn = start(Children.builder(variant == 0
                    ? () -> ignoreTermByHook(ready) : () -> ignoreTermBySignalHandler(ready)));
            assertTrue(Children.awaitFile(ready), "the child installed its SIGTERM trap");
            stubborn.terminate();
            assertFalse(stubborn.join(TERMINATE_GRACE), "the child ignored SIGTERM for " + TERMINATE_GRACE);
            assertTrue(stubborn.isAlive());
            stubborn.kill();
            codes[variant] = Children.joinWithDeadline(stubborn);
            assertEquals(-9, codes[variant], stubborn.toString());
        }
        Figures.row("resource limits", "SIGTERM ignored (hook / handler): terminate, 2 s, kill ->", codes[0] + " / " + codes[1]);
    }

    @Test
    void theParentsExitKillsADaemonThatIgnoresSigtermAfterTheGrace() throws Exception {
        Scenario.Running parent = Scenario.of(LOCAL, StubbornDaemonScenario.class, tmp.toString())
                .timeout(Duration.ofSeconds(60)).start();
        try (parent) {
            parent.awaitLine("READY"::equals, Children.DEADLINE);
            long ready = System.nanoTime();
            long pid = Long.parseLong(parent.awaitLine(line -> line.startsWith("pid="), Children.DEADLINE).substring(4));
            parent.adopt(pid);
            int code = parent.awaitExit(Duration.ofSeconds(30));
            long millis = (System.nanoTime() - ready) / 1_000_000;
            Figures.CYCLES.incrementAndGet();
            Figures.row("resource limits", "parent exit with a SIGTERM-proof daemon: ms to exit", millis);
            assertEquals(0, code, parent.describe());
            assertTrue(OsProcesses.awaitGone(pid, Duration.ofSeconds(5)), "the stubborn daemon was killed");
            assertTrue(millis < 10_000, "the parent exited within the grace plus slack, not after the child's minute: "
                    + millis + " ms");
        }
    }

    static void ignoreTermByHook(String ready) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Children.sleep(60_000)));
        Children.touch(ready);
        Children.sleepForever();
    }

    static void ignoreTermBySignalHandler(String ready) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object ignore = handler.getField("SIG_IGN").get(null);
            signal.getMethod("handle", signal, handler)
                    .invoke(null, signal.getConstructor(String.class).newInstance("TERM"), ignore);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot trap SIGTERM", e);
        }
        Children.touch(ready);
        Children.sleepForever();
    }
}
