package io.github.multiprocessing4j.reliability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
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
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Parent death with pod children (SPEC R3, L24 on a cluster): a parent JVM
 * ({@link KilledDockerParentScenario}, its children pods run as Jobs: {@code workload=job}) is
 * killed with SIGKILL at a random, seeded moment of a phase (while its pods run, while it
 * terminates daemon pods whose shutdown hooks take a second, or while it starts daemon pods back
 * to back). Then:
 * <ul>
 * <li>every daemon pod's container that ran its child ends within {@link #DAEMONS_HALT} of the
 * kill, measured by the engine's {@code die} event of the container on the node (this host's
 * Docker engine, to the nanosecond), not by the pod's status, which the kubelet updates at its
 * next look; a pod whose start the kill cut ends within {@link #START_CUT_END}: if its parent had
 * not attached yet, its start script waits the launcher's attach window (20 s) from the
 * container's start, then ends with 125;</li>
 * <li>the non-daemon pod keeps running, returns from its target and its container exits 0;</li>
 * <li>no pod or Job of the killed parent is left {@link #OBJECTS_GONE} after the kill (the
 * daemons') or after the non-daemon container's end (its own): Kubernetes' TTL controller and
 * garbage collector remove them, nothing of ours runs.</li>
 * </ul>
 *
 * <p>Runs on the test cluster of {@code .ci/k8s-up.sh}, whose node is this host (the engine's
 * events are read here); without a cluster it is skipped with one line, and fails with
 * {@code CI=true}.
 */
@Order(36)
@Timeout(3600)
@Tag("death")
class KubernetesParentDeathTest {

    static final int TRIALS = Form.pick(1, 12);
    /** SPEC R3: daemon children halt within 2 s of losing their parent. */
    static final Duration DAEMONS_HALT = Duration.ofSeconds(2);
    /** SPEC R3: no object of ours remains 30 s later. */
    static final Duration OBJECTS_GONE = Duration.ofSeconds(30);
    /**
     * A pod whose start the kill cut: its container may start up to a few seconds after the kill
     * (the kubelet's next look), then waits the attach window (launcher-kubernetes'
     * {@code kubernetes.attachWindow}, 20 s) for a parent that never comes.
     */
    static final Duration START_CUT_END = Duration.ofSeconds(20 + 5);
    /** {@code running} first: the CI form's one trial kills a parent whose pods run. */
    private static final String[] PHASES = {"running", "terminate", "start"};
    /** The random moment: up to this many ms after the phase began. */
    private static final int[] MAX_DELAY_MILLIS = {500, 800, 2500};
    private static final TckLauncher KUBERNETES = TckLauncher.of("kubernetes", EnumSet.noneOf(Capability.class));

    private final List<Long> killedParents = new ArrayList<>();
    private long maxHaltMillis;
    private long maxGoneMillis;
    private long maxStartCutMillis;
    private final Map<String, Integer> startCutCodes = new TreeMap<>();
    private final Map<String, Integer> nonDaemonCodes = new TreeMap<>();

    @BeforeAll
    static void cluster() {
        Optional<String> problem = KubernetesCluster.apiProblem();
        if (problem.isPresent()) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError("CI=true, so the kubernetes parent deaths must run, but " + problem.get());
            }
            System.err.println("[reliability] skipping the kubernetes parent deaths: " + problem.get());
            Assumptions.abort(problem.get());
        }
        DockerEngine.assumeAvailable();
    }

    @Test
    void daemonPodsHaltWithin2sOfAKilledParentNonDaemonOnesFinishAndNothingIsLeft30sLater() throws Exception {
        Random random = new Random(Form.SEED + 36);
        List<String> failures = new ArrayList<>();
        try (KubernetesClient client = new KubernetesClientBuilder().build()) {
            try {
                Progress.Part progress = Progress.part("parent death kubernetes", TRIALS);
                for (int trial = 0; trial < TRIALS; trial++) {
                    progress.step();
                    int phase = trial % PHASES.length;
                    String failure = trial(client, trial, phase, random.nextInt(MAX_DELAY_MILLIS[phase] + 1));
                    if (failure != null) {
                        failures.add(failure);
                    }
                }
            } finally {
                for (long parent : killedParents) {
                    KubernetesCluster.deleteObjectsOfParent(client, parent);
                }
            }
        }
        Figures.row("parent death kubernetes", "max ms from the kill until every daemon pod's container ended", maxHaltMillis);
        Figures.row("parent death kubernetes", "max ms until no pod or Job of the daemons, or of the ended non-daemon, left",
                maxGoneMillis);
        Figures.row("parent death kubernetes", "max ms from the kill until pods whose start it cut ended", maxStartCutMillis);
        Figures.row("parent death kubernetes", "exit codes of pods whose start the kill cut", startCutCodes);
        Figures.row("parent death kubernetes", "non-daemon pods' exit codes", nonDaemonCodes);
        Figures.row("parent death kubernetes", "SIGKILLed parents (failed trials)", TRIALS + " (" + failures.size() + ")");
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private String trial(KubernetesClient client, int number, int phase, int delayMillis) throws Exception {
        String what = "kubernetes trial " + number + " (kill " + delayMillis + " ms into phase '" + PHASES[phase] + "')";
        Instant began = Instant.now().minusSeconds(1);
        Scenario scenario = Scenario.of(KUBERNETES, KilledDockerParentScenario.class, PHASES[phase])
                .systemProperty("multiprocessing4j.launcher", "kubernetes")
                .systemProperty("multiprocessing4j.kubernetes.workload", "job")
                .timeout(Duration.ofSeconds(120));
        for (String name : System.getProperties().stringPropertyNames()) {
            if (name.startsWith("multiprocessing4j.kubernetes.") && !name.endsWith(".workload")) {
                scenario.systemProperty(name, System.getProperty(name));
            }
        }
        try (Scenario.Running parent = scenario.start()) {
            long parentPid = parent.process().pid();
            killedParents.add(parentPid);
            parent.awaitLine("PHASE"::equals, Children.DEADLINE.multipliedBy(2));
            TimeUnit.MILLISECONDS.sleep(delayMillis);
            Map<String, String> daemons = new TreeMap<>();
            String nonDaemon = null;
            for (Pod pod : KubernetesCluster.podsOfParent(client, parentPid)) {
                String name = pod.getMetadata().getLabels().get(KubernetesCluster.PROCESS_NAME_LABEL);
                if ("nondaemon".equals(name)) {
                    nonDaemon = pod.getMetadata().getName();
                } else {
                    daemons.put(pod.getMetadata().getName(), name);
                }
            }
            Instant killed = Instant.now();
            parent.process().destroyForcibly();
            if (!parent.process().waitFor(10, TimeUnit.SECONDS)) {
                return what + ": the parent did not die of SIGKILL";
            }
            Figures.PARENT_KILLS.incrementAndGet();
            if (nonDaemon == null || daemons.isEmpty()) {
                return what + ": the parent's pods were not all found before the kill: daemons " + daemons
                        + ", non-daemon " + nonDaemon;
            }
            // the daemons: their containers end, and when, by the engine's die events (a pod whose
            // start the kill cut may not have a container yet: it gets one, which ends too)
            boolean startCut = "start".equals(PHASES[phase]);
            Duration wait = (startCut ? START_CUT_END : DAEMONS_HALT).plusSeconds(10);
            Map<String, long[]> ends = new TreeMap<>();
            long deadline = System.nanoTime() + wait.toNanos();
            while (true) {
                ends = DockerEngine.podContainerEnds(daemons.keySet(), began);
                if (ends.keySet().containsAll(daemons.keySet()) || System.nanoTime() - deadline >= 0) {
                    break;
                }
                TimeUnit.MILLISECONDS.sleep(250);
            }
            if (!ends.keySet().containsAll(daemons.keySet())) {
                return what + ": daemon pods still run " + wait.toSeconds() + " s after the kill: "
                        + DockerEngine.podContainerStates(daemons.keySet()) + ", ended " + ends.keySet();
            }
            long halt = 0;
            long cutEnd = 0;
            Map<Long, Integer> cutCodes = new TreeMap<>();
            for (Map.Entry<String, long[]> end : ends.entrySet()) {
                long millis = TimeUnit.NANOSECONDS.toMillis(end.getValue()[1] - nanosOf(killed));
                if (startCut && !"daemon-0".equals(daemons.get(end.getKey()))) {
                    cutEnd = Math.max(cutEnd, millis);
                    cutCodes.merge(end.getValue()[0], 1, Integer::sum);
                } else {
                    halt = Math.max(halt, millis);
                }
            }
            maxHaltMillis = Math.max(maxHaltMillis, halt);
            maxStartCutMillis = Math.max(maxStartCutMillis, cutEnd);
            cutCodes.forEach((code, count) -> startCutCodes.merge(Long.toString(code), count, Integer::sum));
            System.out.println("[reliability] parent death " + what + ": daemon pods " + daemons.values()
                    + " ended " + halt + " ms after the kill" + (startCut ? ", those whose start it cut " + cutEnd
                    + " ms after it (exit codes " + cutCodes + ")" : ""));
            if (halt > DAEMONS_HALT.toMillis()) {
                return what + ": the daemon pods' containers ended " + halt + " ms after the kill, later than " + DAEMONS_HALT;
            }
            if (cutEnd > START_CUT_END.toMillis()) {
                return what + ": pods whose start the kill cut ended " + cutEnd + " ms after it, later than " + START_CUT_END;
            }
            // the daemons' pods and Jobs: gone within 30 s of the kill
            String left = objectsLeft(client, parentPid, name -> !"nondaemon".equals(name), nanosOf(killed));
            if (left != null) {
                return what + ": " + left;
            }
            // the non-daemon: runs on, returns, exits 0 (once its Job is finished, Kubernetes may
            // remove its pod and container at once: the engine's events keep its end)
            String nonDaemonPod = nonDaemon;
            Duration rest = Duration.ofMillis(KilledDockerParentScenario.NON_DAEMON_MILLIS).plus(Children.DEADLINE);
            if (!Poll.until(() -> DockerEngine.podContainerStates(List.of(nonDaemonPod)).stream()
                    .noneMatch(state -> state.endsWith(" running")), rest)) {
                return what + ": the non-daemon pod still runs " + rest.toSeconds() + " s after the kill";
            }
            long[] nonDaemonEnd = DockerEngine.podContainerEnds(List.of(nonDaemonPod), began).get(nonDaemonPod);
            if (nonDaemonEnd == null) {
                return what + ": no end of the non-daemon pod's container among the engine's events";
            }
            nonDaemonCodes.merge(Long.toString(nonDaemonEnd[0]), 1, Integer::sum);
            if (nonDaemonEnd[0] != 0) {
                return what + ": the non-daemon pod's container ended with " + nonDaemonEnd[0] + ", not 0";
            }
            // its pod and Job: gone within 30 s of its end
            left = objectsLeft(client, parentPid, name -> true, nonDaemonEnd[1]);
            if (left != null) {
                return what + ": " + left;
            }
            System.out.println("[reliability] parent death " + what + ": the non-daemon pod exited 0; no pod or Job left");
            return null;
        }
    }

    /**
     * Waits until no pod or Job of the parent whose process name matches is left, at most
     * {@link #OBJECTS_GONE} from {@code fromEpochNanos}, and records how long that took.
     *
     * @return what was left at the deadline, or {@code null}
     */
    private String objectsLeft(KubernetesClient client, long parentPid, java.util.function.Predicate<String> processes,
            long fromEpochNanos) throws InterruptedException {
        long deadline = fromEpochNanos + OBJECTS_GONE.toNanos();
        while (true) {
            Map<String, String> left = new TreeMap<>(KubernetesCluster.objectsOfParent(client, parentPid));
            left.values().removeIf(processes.negate());
            long now = nanosOf(Instant.now());
            if (left.isEmpty()) {
                maxGoneMillis = Math.max(maxGoneMillis, TimeUnit.NANOSECONDS.toMillis(now - fromEpochNanos));
                return null;
            }
            if (now > deadline) {
                return "pods or Jobs of the killed parent still exist " + OBJECTS_GONE.toSeconds() + " s later: " + left;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private static long nanosOf(Instant instant) {
        return TimeUnit.SECONDS.toNanos(instant.getEpochSecond()) + instant.getNano();
    }
}
