package io.github.multiprocessing4j.launcher.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import io.github.multiprocessing4j.spi.LaunchException;
import io.github.multiprocessing4j.spi.LaunchRequest;
import io.github.multiprocessing4j.spi.LaunchedProcess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher on its own, without core: what the container looks like, what its raw exit
 * statuses are, and that its output arrives whole.
 */
@RequiresDockerEngine
@Timeout(60)
class DockerLauncherTest {

    private static DockerLauncher launcher;

    @TempDir
    Path shared;

    private final List<LaunchedProcess> started = new ArrayList<>();
    private PrintStream originalOut;
    private PrintStream originalErr;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void connect() throws LaunchException {
        launcher = DockerLauncher.connect();
    }

    @AfterAll
    static void close() {
        if (launcher != null) {
            launcher.close();
        }
    }

    @BeforeEach
    void captureOutput() {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreOutput() throws Exception {
        for (LaunchedProcess process : started) {
            process.kill();
            process.onExit().handle((code, failure) -> code).get(30, TimeUnit.SECONDS);
        }
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    @Test
    void theContainerHasNoNetworkNoCapabilitiesOurLabelsAndReadOnlyBinds() throws Exception {
        LaunchedProcess process = launch(List.of("sleep"), Map.of());
        awaitLine(this::stdout, "ready");
        InspectContainerResponse container = TestEngine.client().inspectContainerCmd(containerOf(process)).exec();
        HostConfig host = container.getHostConfig();
        assertEquals("none", host.getNetworkMode());
        assertEquals(List.of(Capability.ALL), Arrays.asList(host.getCapDrop()));
        assertEquals(List.of("no-new-privileges"), host.getSecurityOpts());
        assertFalse(host.getPrivileged());
        assertTrue(host.getReadonlyRootfs());
        assertTrue(host.getAutoRemove());
        assertEquals(Map.of("/tmp", "rw,exec,nosuid,nodev,mode=1777"), host.getTmpFs());
        assertEquals(ParentProcess.current().user().orElseThrow(), container.getConfig().getUser());
        Map<String, String> labels = container.getConfig().getLabels();
        assertEquals("true", labels.get("io.github.multiprocessing4j"));
        assertEquals(launcher.session(), labels.get("io.github.multiprocessing4j.session"));
        assertEquals("test-sleep", labels.get("io.github.multiprocessing4j.process-name"));
        assertEquals(Long.toString(ProcessHandle.current().pid()), labels.get("io.github.multiprocessing4j.parent-pid"));
        assertEquals(Long.toString(ProcessHandle.current().info().startInstant().orElseThrow().toEpochMilli()),
                labels.get("io.github.multiprocessing4j.parent-start"));
        assertEquals("false", labels.get("io.github.multiprocessing4j.daemon"));
        assertTrue(container.getName().matches("/mp4j-test-sleep-[0-9a-f]{8}"), container.getName());

        Map<String, Boolean> readOnlyByTarget = host.getMounts().stream()
                .collect(Collectors.toMap(Mount::getTarget, mount -> Boolean.TRUE.equals(mount.getReadOnly())));
        assertEquals(Map.of(TestEngine.testClasses().toString(), true, shared.toString(), false), readOnlyByTarget);
        assertTrue(host.getMounts().stream().allMatch(mount -> mount.getSource().equals(mount.getTarget())));

        // SPEC L12: the pid is the container's JVM in the host's process table
        assertEquals(container.getState().getPidLong(), process.pid());
        String commandLine = Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
        assertTrue(commandLine.contains(TestMains.class.getName()), commandLine);

        process.terminate();
        assertEquals(143, process.onExit().get(20, TimeUnit.SECONDS), "raw status after SIGTERM");
        assertContainerGone(container.getId());
    }

    @Test
    void sigkillGives137() throws Exception {
        LaunchedProcess process = launch(List.of("sleep"), Map.of());
        awaitLine(this::stdout, "ready");
        process.kill();
        process.kill();
        assertEquals(137, process.onExit().get(20, TimeUnit.SECONDS), "raw status after SIGKILL");
        process.terminate();
    }

    @Test
    void outputArrivesLineForLineInOrderAndCompleteBeforeTheExit() throws Exception {
        int lines = 2000;
        LaunchedProcess process = launch(List.of("lines", Integer.toString(lines), "3"), Map.of());
        assertEquals(3, process.onExit().get(30, TimeUnit.SECONDS));
        List<String> expectedOut = IntStream.range(0, lines).mapToObj(i -> "out " + i).collect(Collectors.toList());
        expectedOut.add("测试多进程");
        expectedOut.add("tail");
        assertEquals(expectedOut, stdout());
        assertEquals(IntStream.range(0, lines).mapToObj(i -> "err " + i).toList(),
                stderr().stream().filter(line -> line.startsWith("err ")).toList());
    }

    @Test
    void theRootFileSystemIsReadOnlyButTmpAndSharedPathsAreWritableAndThereIsNoNetwork() throws Exception {
        LaunchedProcess process = launch(List.of("probe", shared.toString()), Map.of());
        assertEquals(0, process.onExit().get(30, TimeUnit.SECONDS), String.join("\n", stderr()));
        assertEquals(List.of("tmp.writable=true", "root.writable=false", "shared.writable=true", "interfaces=lo",
                "stdin=-1", "uid=" + ParentProcess.current().user().orElseThrow().split(":")[0], "encoding=UTF-8"), stdout());
    }

    @Test
    void aJvmThatCannotStartReportsItsStatusAndItsMessage() throws Exception {
        LaunchRequest request = request(List.of("lines", "1", "0"), Map.of(), List.of("-XX:+NoSuchOptionAtAll"));
        LaunchedProcess process = track(launcher.launch(request));
        assertEquals(1, process.onExit().get(30, TimeUnit.SECONDS));
        assertTrue(stderr().stream().anyMatch(line -> line.contains("NoSuchOptionAtAll")), String.join("\n", stderr()));
    }

    @Test
    void losingTheEngineMidRunCompletesTheExitExceptionally() throws Exception {
        LaunchedProcess process;
        String session;
        try (DockerLauncher own = DockerLauncher.connect()) {
            session = own.session();
            process = own.launch(request(List.of("sleep"), Map.of(), List.of()));
            awaitLine(this::stdout, "ready");
        }
        // closing the launcher cut its connections to the engine, as an engine that died would
        ExecutionException lost = assertThrows(ExecutionException.class, () -> process.onExit().get(20, TimeUnit.SECONDS));
        assertTrue(lost.getCause().getMessage().startsWith("lost the Docker engine at "), lost.getCause().getMessage());
        for (Container left : TestEngine.client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("io.github.multiprocessing4j.session", session)).exec()) {
            TestEngine.client().removeContainerCmd(left.getId()).withForce(true).exec();
        }
    }

    @Test
    void aMissingImageFailsNamingTheImageAndLeavesNothing() {
        LaunchException failure = assertThrows(LaunchException.class,
                () -> launch(List.of("sleep"), Map.of(ContainerSpec.IMAGE_OPTION, "multiprocessing4j/no-such-image:0")));
        assertTrue(failure.getMessage().startsWith("the Docker image multiprocessing4j/no-such-image:0 is not on the engine"),
                failure.getMessage());
        assertTrue(failure.getMessage().contains(".ci/build-jre-image.sh"), failure.getMessage());
        assertTrue(sessionContainers().isEmpty());
    }

    @Test
    void anImageWithoutJavaEndsWith127AndSaysSo() throws Exception {
        // the test image, but with a PATH on which there is no java
        LaunchRequest request = new LaunchRequest("test-nojava", false, "x.Main", List.of(), List.of(),
                List.of(), Map.of("PATH", "/nonexistent"), List.of(shared), Map.of(ContainerSpec.IMAGE_OPTION, TestEngine.IMAGE));
        LaunchedProcess process = track(launcher.launch(request));
        assertEquals(127, process.onExit().get(30, TimeUnit.SECONDS));
        assertTrue(stderr().stream().anyMatch(line -> line.contains("exec java failed")), String.join("\n", stderr()));
    }

    private LaunchedProcess launch(List<String> args, Map<String, String> options) throws LaunchException {
        return track(launcher.launch(request(args, options, List.of("-XX:TieredStopAtLevel=1", "-Xshare:auto"))));
    }

    private LaunchRequest request(List<String> args, Map<String, String> options, List<String> jvmOptions) {
        Map<String, String> withImage = new java.util.HashMap<>(options);
        withImage.putIfAbsent(ContainerSpec.IMAGE_OPTION, TestEngine.IMAGE);
        withImage.putIfAbsent(ContainerSpec.MOUNTS_OPTION, "");
        List<String> arguments = new ArrayList<>(args);
        return new LaunchRequest("test-" + args.get(0), false, TestMains.class.getName(), arguments,
                List.of(TestEngine.testClasses(), shared.resolve("not-there.jar")), jvmOptions, Map.of(),
                List.of(shared), withImage);
    }

    private LaunchedProcess track(LaunchedProcess process) {
        started.add(process);
        return process;
    }

    private List<Container> sessionContainers() {
        return TestEngine.client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of("io.github.multiprocessing4j.session", launcher.session())).exec();
    }

    private String containerOf(LaunchedProcess process) {
        List<Container> running = sessionContainers().stream()
                .filter(container -> "running".equals(container.getState())).toList();
        assertEquals(1, running.size(), running.toString());
        return running.get(0).getId();
    }

    private static void assertContainerGone(String id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            if (TestEngine.client().listContainersCmd().withShowAll(true).withIdFilter(List.of(id)).exec().isEmpty()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("container " + id + " still exists 5 s after its exit");
    }

    private List<String> stdout() {
        return lines(out);
    }

    private List<String> stderr() {
        return lines(err);
    }

    private static List<String> lines(ByteArrayOutputStream stream) {
        String text;
        synchronized (stream) {
            text = stream.toString(StandardCharsets.UTF_8);
        }
        return text.isEmpty() ? List.of() : List.of(text.split("\n", -1)).stream()
                .filter(line -> !line.isEmpty()).toList();
    }

    private static void awaitLine(Supplier<List<String>> lines, String line) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!lines.get().contains(line)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no line '" + line + "' within 30 s: " + lines.get());
            }
            Thread.sleep(10);
        }
    }
}
