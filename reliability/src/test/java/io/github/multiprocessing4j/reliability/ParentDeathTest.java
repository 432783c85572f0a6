package io.github.multiprocessing4j.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.tck.Capability;
import io.github.multiprocessing4j.tck.NoLeakedProcesses;
import io.github.multiprocessing4j.tck.OsProcesses;
import io.github.multiprocessing4j.tck.Poll;
import io.github.multiprocessing4j.tck.Scenario;
import io.github.multiprocessing4j.tck.TckLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parent death (SPEC L24): a parent JVM ({@link KilledParentScenario}) is killed with SIGKILL at
 * a random, seeded moment of a phase (during starts, while children run, during terminate).
 * Its daemon children must be gone within 2 s; its non-daemon child must keep running and
 * finish normally (it creates a marker file after the parent is gone). The time from the kill
 * to the last daemon child's end is the cleanup time; the longest is printed.
 *
 * <p>A child JVM that is still booting when its parent dies (its key file not yet read: it has
 * not reached {@code main}) cannot notice anything before it runs; it ends as soon as it finds
 * the channel dead. Its time is counted in the cleanup figures, but held only to
 * {@link #BOOTING_GONE}: on a loaded two-core machine a JVM boot alone can take longer than 2 s.
 */
@Order(30)
@ExtendWith(NoLeakedProcesses.class)
@Timeout(3600)
@Tag("death")
class ParentDeathTest {

    static final int TRIALS = Form.pick(6, 60);
    static final Duration DAEMONS_GONE = Duration.ofSeconds(2);
    static final Duration BOOTING_GONE = Duration.ofSeconds(10);
    private static final String TRIAL = "RELIABILITY_TRIAL";
    private static final String CHILD_RUNTIME = "io.github.multiprocessing4j.internal.process.ChildRuntime";
    private static final String[] PHASES = {"start", "running", "terminate"};
    /** The random moment: up to this many ms after the phase began. */
    private static final int[] MAX_DELAY_MILLIS = {1000, 500, 600};
    private static final TckLauncher LOCAL = TckLauncher.of("local", EnumSet.of(Capability.HOST_PROCESS_TABLE));

    @TempDir
    Path tmp;

    private final long[] maxByPhase = new long[PHASES.length];
    private long maxConnected;
    private long maxBooting;
    private int booting;

    @Test
    void daemonChildrenEndWithAKilledParentAndNonDaemonChildrenFinish() throws Exception {
        Random random = new Random(Form.SEED);
        List<String> failures = new ArrayList<>();
        Progress.Part progress = Progress.part("parent death", TRIALS);
        for (int trial = 0; trial < TRIALS; trial++) {
            progress.step();
            int phase = trial % PHASES.length;
            int delay = random.nextInt(MAX_DELAY_MILLIS[phase] + 1);
            String failure = trial(trial, phase, delay);
            if (failure != null) {
                failures.add(failure);
            }
        }
        for (int phase = 0; phase < PHASES.length; phase++) {
            Figures.row("parent death", "max cleanup ms, kill during " + PHASES[phase], maxByPhase[phase]);
        }
        Figures.row("parent death", "max ms, daemons running / still booting (n)",
                maxConnected + " / " + maxBooting + " (" + booting + ")");
        Figures.row("parent death", "SIGKILLed parents (failed trials)", TRIALS + " (" + failures.size() + ")");
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private String trial(int number, int phase, int delayMillis) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("trial-" + number));
        String id = UUID.randomUUID().toString();
        String what = "trial " + number + " (kill " + delayMillis + " ms into phase '" + PHASES[phase] + "')";
        Scenario scenario = Scenario.of(LOCAL, KilledParentScenario.class, dir.toString(), PHASES[phase])
                .environment(TRIAL, id).timeout(Duration.ofSeconds(60));
        try (Scenario.Running parent = scenario.start()) {
            parent.awaitLine("PHASE"::equals, Children.DEADLINE);
            TimeUnit.MILLISECONDS.sleep(delayMillis);
            Set<Long> daemons = Set.copyOf(children(id, "daemon"));
            Set<Long> stillBooting = stillBooting(daemons);
            long killed = System.nanoTime();
            parent.process().destroyForcibly();
            Map<Long, Long> endedAfter = new TreeMap<>();
            Poll.until(() -> {
                List<Long> alive = children(id, "daemon");
                long now = (System.nanoTime() - killed) / 1_000_000;
                daemons.stream().filter(pid -> !alive.contains(pid)).forEach(pid -> endedAfter.putIfAbsent(pid, now));
                return alive.isEmpty();
            }, BOOTING_GONE);
            if (!parent.process().waitFor(10, TimeUnit.SECONDS)) {
                return what + ": the parent did not die of SIGKILL";
            }
            Figures.PARENT_KILLS.incrementAndGet();
            long cleanup = endedAfter.values().stream().mapToLong(Long::longValue).max().orElse(0);
            long connected = endedAfter.entrySet().stream().filter(e -> !stillBooting.contains(e.getKey()))
                    .mapToLong(Map.Entry::getValue).max().orElse(0);
            long boot = endedAfter.entrySet().stream().filter(e -> stillBooting.contains(e.getKey()))
                    .mapToLong(Map.Entry::getValue).max().orElse(0);
            record(phase, cleanup, connected, boot, stillBooting.size());
            System.out.println("[reliability] parent death " + what + ": " + daemons.size() + " daemon(s) gone after "
                    + cleanup + " ms (" + stillBooting.size() + " still booting at the kill, gone after " + boot + " ms)");
            List<Long> daemonsLeft = children(id, "daemon");
            if (!daemonsLeft.isEmpty()) {
                return what + ": daemon children " + daemonsLeft + " still run " + BOOTING_GONE.toSeconds()
                        + " s after the parent's death\n" + parent.describe();
            }
            if (connected > DAEMONS_GONE.toMillis()) {
                return what + ": running daemon children took " + connected + " ms to end, more than " + DAEMONS_GONE;
            }
            List<Long> nonDaemons = children(id, "nondaemon");
            if (nonDaemons.isEmpty()) {
                return what + ": the non-daemon child did not survive its parent's death\n" + parent.describe();
            }
            Children.touch(dir.resolve("go").toString());
            if (!Children.awaitFile(dir.resolve("nondaemon.exited").toString())) {
                return what + ": the non-daemon child did not finish after its parent's death\n" + parent.describe();
            }
            for (long pid : nonDaemons) {
                if (!OsProcesses.awaitGone(pid, Duration.ofSeconds(10))) {
                    return what + ": the non-daemon child " + pid + " finished its target but did not exit";
                }
            }
            return null;
        } finally {
            Children.touch(dir.resolve("go").toString());
            Leaks.withEnvironment(TRIAL + "=" + id).forEach(OsProcesses::killQuietly);
        }
    }

    private synchronized void record(int phase, long cleanup, long connected, long boot, int bootingCount) {
        Figures.cleanup(cleanup);
        maxByPhase[phase] = Math.max(maxByPhase[phase], cleanup);
        maxConnected = Math.max(maxConnected, connected);
        maxBooting = Math.max(maxBooting, boot);
        booting += bootingCount;
    }

    /** The children whose key file still exists: their JVM has not reached the child runtime's main yet. */
    private static Set<Long> stillBooting(Set<Long> pids) {
        Set<Long> found = new java.util.HashSet<>();
        for (long pid : pids) {
            List<String> line = OsProcesses.commandLine(pid).orElse(List.of());
            int at = line.indexOf(CHILD_RUNTIME);
            if (at >= 0 && line.size() >= at + 3
                    && Files.exists(Path.of(line.get(at + 1)).resolveSibling(line.get(at + 2) + ".key"))) {
                found.add(pid);
            }
        }
        return found;
    }

    private static List<Long> children(String trial, String role) {
        List<Long> pids = Leaks.withEnvironment(TRIAL + "=" + trial);
        pids.retainAll(Leaks.withEnvironment(KilledParentScenario.ROLE + "=" + role));
        return pids;
    }
}
