package io.github.multiprocessing4j.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.tck.Capability;
import io.github.multiprocessing4j.tck.Poll;
import io.github.multiprocessing4j.tck.Scenario;
import io.github.multiprocessing4j.tck.TckLauncher;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Parent death with container children (SPEC L24): a parent JVM
 * ({@link KilledDockerParentScenario}) is killed with SIGKILL at a random, seeded moment of a
 * phase (during starts, while its containers run, during terminate). The containers of its
 * daemon children must be gone within 5 s; its non-daemon child's container must keep running,
 * return from its target and exit 0 (read from the engine's {@code die} event: the engine
 * removes the container as it ends); and whatever a kill left behind (a container created but
 * never started, when the kill lands between the two) is removed by the next session on the
 * same engine ({@link DockerSessionScenario}). So that the last check never passes for want of
 * leftovers, the test also plants one such container, labelled as the child of the first killed
 * parent. Skipped without an engine (failing with {@code CI=true}).
 */
@Order(35)
@Timeout(3600)
@Tag("death")
class DockerParentDeathTest {

    static final int TRIALS = Form.pick(3, 30);
    static final Duration CONTAINERS_GONE = Duration.ofSeconds(5);
    /** How long no daemon container may have been started before they count as gone. */
    private static final Duration SETTLED = Duration.ofSeconds(1);
    private static final String[] PHASES = {"start", "running", "terminate"};
    /** The random moment: up to this many ms after the phase began. */
    private static final int[] MAX_DELAY_MILLIS = {1500, 500, 800};
    private static final TckLauncher DOCKER = TckLauncher.of("docker", EnumSet.noneOf(Capability.class));

    private final List<Long> killedParents = new ArrayList<>();
    private long maxCleanup;
    private int leftCreated;
    private int leftAfterNextSession;

    @BeforeAll
    static void engine() {
        DockerEngine.assumeAvailable();
    }

    @Test
    void daemonContainersEndWithAKilledParentNonDaemonOnesFinishAndTheNextSessionCleansUp() throws Exception {
        Random random = new Random(Form.SEED + 35);
        List<String> failures = new ArrayList<>();
        try {
            Progress.Part progress = Progress.part("parent death docker", TRIALS);
            for (int trial = 0; trial < TRIALS; trial++) {
                progress.step();
                int phase = trial % PHASES.length;
                String failure = trial(trial, phase, random.nextInt(MAX_DELAY_MILLIS[phase] + 1));
                if (failure != null) {
                    failures.add(failure);
                }
            }
            String nextSession = nextSessionRemovesLeftovers();
            if (nextSession != null) {
                failures.add(nextSession);
            }
        } finally {
            for (long parent : killedParents) {
                DockerEngine.containersOfParent(parent).forEach(DockerEngine::remove);
            }
        }
        Figures.row("parent death docker", "max ms until daemon containers gone", maxCleanup);
        Figures.row("parent death docker", "containers left (1 planted) / removed by the next session",
                leftCreated + " / " + (leftCreated - leftAfterNextSession));
        Figures.row("parent death docker", "SIGKILLed parents (failed trials)", TRIALS + " (" + failures.size() + ")");
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private String trial(int number, int phase, int delayMillis) throws Exception {
        String what = "docker trial " + number + " (kill " + delayMillis + " ms into phase '" + PHASES[phase] + "')";
        Instant began = Instant.now().minusSeconds(1);
        Scenario scenario = Scenario.of(DOCKER, KilledDockerParentScenario.class, PHASES[phase])
                .systemProperty("multiprocessing4j.launcher", "docker").timeout(Duration.ofSeconds(90));
        try (Scenario.Running parent = scenario.start()) {
            long parentPid = parent.process().pid();
            killedParents.add(parentPid);
            parent.awaitLine("PHASE"::equals, Children.DEADLINE);
            TimeUnit.MILLISECONDS.sleep(delayMillis);
            long killed = System.nanoTime();
            parent.process().destroyForcibly();
            if (!parent.process().waitFor(10, TimeUnit.SECONDS)) {
                return what + ": the parent did not die of SIGKILL";
            }
            Figures.PARENT_KILLS.incrementAndGet();
            long cleanup = (awaitDaemonsGone(parentPid, CONTAINERS_GONE.plusSeconds(5)) - killed) / 1_000_000;
            Map<String, String> afterKill = DockerEngine.processesOfParent(parentPid);
            synchronized (this) {
                maxCleanup = Math.max(maxCleanup, cleanup);
            }
            System.out.println("[reliability] parent death " + what + ": daemon containers gone after " + cleanup
                    + " ms; containers then: " + afterKill.values());
            if (!daemonContainersLeft(parentPid).isEmpty()) {
                return what + ": daemon containers still exist " + cleanup + " ms after the kill: " + afterKill.values();
            }
            if (cleanup > CONTAINERS_GONE.toMillis()) {
                return what + ": daemon containers took " + cleanup + " ms to go, more than " + CONTAINERS_GONE;
            }
            if (!afterKill.containsValue("nondaemon running")) {
                return what + ": the non-daemon container did not survive its parent's death: " + afterKill.values()
                        + "\n" + parent.describe();
            }
            Duration rest = Duration.ofMillis(KilledDockerParentScenario.NON_DAEMON_MILLIS).plus(Children.DEADLINE);
            if (!Poll.until(() -> !DockerEngine.processesOfParent(parentPid).containsValue("nondaemon running"), rest)) {
                return what + ": the non-daemon container still runs " + rest.toSeconds() + " s after the kill";
            }
            Map<String, String> codes = DockerEngine.exitCodesOfParent(parentPid, began);
            System.out.println("[reliability] parent death " + what + ": exit codes " + codes);
            if (!"0".equals(codes.get("nondaemon"))) {
                return what + ": the non-daemon container ended with " + codes.get("nondaemon") + ", not 0: " + codes;
            }
            // the engine removes an ended container a moment after its die event
            if (!Poll.until(() -> startedContainers(parentPid).isEmpty(), CONTAINERS_GONE)) {
                return what + ": containers other than created-never-started ones are left: "
                        + startedContainers(parentPid);
            }
            return null;
        }
    }

    /**
     * Waits until no daemon container of the parent has been started for {@link #SETTLED}, at
     * most {@code within}: a container still "created" when the parent was killed mid-start may
     * be started a moment later by the request the parent had sent (seen in CI: created 0.7 s
     * after the kill, running just after), and must then end by itself too.
     *
     * @return the {@link System#nanoTime()} when the daemons were last seen gone, or now if they
     *     never were
     */
    private static long awaitDaemonsGone(long parentPid, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        long goneSince = -1;
        while (System.nanoTime() < deadline) {
            long now = System.nanoTime();
            if (!daemonContainersLeft(parentPid).isEmpty()) {
                goneSince = -1;
            } else if (goneSince < 0) {
                goneSince = now;
            } else if (now - goneSince >= SETTLED.toNanos()) {
                return goneSince;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return goneSince >= 0 ? goneSince : System.nanoTime();
    }

    /** The containers of a parent that were started (every state but "created"). */
    private static List<String> startedContainers(long parentPid) {
        List<String> started = new ArrayList<>(DockerEngine.processesOfParent(parentPid).values());
        started.removeIf(process -> process.endsWith(" created"));
        return started;
    }

    /** The daemon children's containers that were started and are not removed yet. */
    private static List<String> daemonContainersLeft(long parentPid) {
        List<String> daemons = startedContainers(parentPid);
        daemons.removeIf(process -> !process.startsWith("daemon-"));
        return daemons;
    }

    /** Runs a new session on the engine; afterwards no container of a killed parent may exist. */
    private String nextSessionRemovesLeftovers() throws Exception {
        DockerEngine.createdNeverStarted(killedParents.get(0), "planted");
        Map<Long, Integer> left = new TreeMap<>();
        for (long parent : killedParents) {
            int count = DockerEngine.processesOfParent(parent).size();
            if (count > 0) {
                left.put(parent, count);
            }
        }
        leftCreated = left.values().stream().mapToInt(Integer::intValue).sum();
        long stayMillis = 20_000;
        Scenario session = Scenario.of(DOCKER, DockerSessionScenario.class, Long.toString(stayMillis))
                .systemProperty("multiprocessing4j.launcher", "docker").timeout(Duration.ofSeconds(60));
        try (Scenario.Running running = session.start()) {
            String exit = running.awaitLine(line -> line.startsWith("EXIT "), Children.DEADLINE);
            if (!"EXIT 0".equals(exit)) {
                return "the next session's child ended with " + exit + "\n" + running.describe();
            }
            boolean clean = Poll.until(() -> killedParents.stream()
                    .allMatch(parent -> DockerEngine.containersOfParent(parent).isEmpty()), Duration.ofMillis(stayMillis));
            leftAfterNextSession = killedParents.stream().mapToInt(parent -> DockerEngine.containersOfParent(parent).size()).sum();
            System.out.println("[reliability] parent death docker: " + leftCreated + " container(s) left by killed parents "
                    + left + ", all removed by the next session: " + clean);
            if (!clean) {
                return "the next session did not remove the containers of killed parents: " + left;
            }
            return null;
        }
    }
}
