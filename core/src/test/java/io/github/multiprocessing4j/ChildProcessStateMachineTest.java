package io.github.multiprocessing4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.github.multiprocessing4j.spi.LaunchException;
import io.github.multiprocessing4j.spi.LaunchRequest;
import io.github.multiprocessing4j.spi.LaunchedProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.Mockito;

/**
 * The lifecycle rules of SPEC L6–L22 against a launcher that starts nothing: the raw exit
 * status is whatever the test completes the handle's future with.
 */
class ChildProcessStateMachineTest {

    private final CompletableFuture<Integer> rawExit = new CompletableFuture<>();
    private final LaunchedProcess handle = Mockito.mock(LaunchedProcess.class);

    private final MockLaunchers mock = new MockLaunchers();

    @BeforeEach
    void stubLauncher() throws LaunchException {
        when(handle.pid()).thenReturn(4242L);
        when(handle.onExit()).thenReturn(rawExit);
        when(mock.launcher.launch(any())).thenReturn(handle);
    }

    private ChildProcess process() {
        return mock.context().process(ChildProcessStateMachineTest::nothing);
    }

    private static void nothing() {
    }

    @Test
    void beforeStartNothingIsSetAndGuardsUsePythonsMessages() {
        ChildProcess p = process();
        assertEquals(OptionalLong.empty(), p.pid());
        assertEquals(OptionalInt.empty(), p.exitCode());
        assertFalse(p.isAlive());
        assertMatches("<ChildProcess name='ChildProcess-\\d+' parent=\\d+ initial>", p.toString());
        assertEquals("can only join a started process",
                assertThrows(IllegalStateException.class, p::join).getMessage());
        assertEquals("can only terminate a started process",
                assertThrows(IllegalStateException.class, p::terminate).getMessage());
        assertEquals("can only kill a started process",
                assertThrows(IllegalStateException.class, p::kill).getMessage());
    }

    @Test
    void startHandsTheLauncherAPreparedJvmCommand() throws Exception {
        ChildProcess p = mock.context().builder(ChildProcessStateMachineTest::nothing).name("worker")
                .daemon(true).jvmOptions("-Xmx32m").launcherOption("mock.key", "v").build();
        p.start();
        ArgumentCaptor<LaunchRequest> request = ArgumentCaptor.forClass(LaunchRequest.class);
        verify(mock.launcher).launch(request.capture());
        LaunchRequest sent = request.getValue();
        assertEquals("worker", sent.processName());
        assertTrue(sent.daemon());
        assertEquals("io.github.multiprocessing4j.internal.process.ChildRuntime", sent.mainClass());
        assertEquals(2, sent.arguments().size());
        Path socket = Path.of(sent.arguments().get(0));
        assertEquals(sent.sharedPaths().get(0), socket.getParent());
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(socket.getParent())));
        Path keyFile = socket.resolveSibling(sent.arguments().get(1) + ".key");
        assertEquals(32, Files.size(keyFile), "the secret waits in a private file, not on the command line");
        assertTrue(sent.jvmOptions().contains("-Dfile.encoding=" + System.getProperty("file.encoding")),
                "the child writes in the parent's encoding: " + sent.jvmOptions());
        assertEquals("-Xmx32m", sent.jvmOptions().get(sent.jvmOptions().size() - 1));
        assertEquals("v", sent.options().get("mock.key"));
        rawExit.complete(0);
        p.join();
        assertFalse(Files.exists(keyFile), "the key file is removed when the process ends");
    }

    @Test
    void theJvmOptionsPropertyComesBeforeTheBuildersOptions() throws Exception {
        String before = System.getProperty("multiprocessing4j.jvmOptions");
        System.setProperty("multiprocessing4j.jvmOptions", "  -Xss2m\t-XX:TieredStopAtLevel=1 ");
        try {
            ChildProcess p = mock.context().builder(ChildProcessStateMachineTest::nothing).jvmOptions("-Xss4m").build();
            p.start();
            ArgumentCaptor<LaunchRequest> request = ArgumentCaptor.forClass(LaunchRequest.class);
            verify(mock.launcher).launch(request.capture());
            List<String> options = request.getValue().jvmOptions();
            assertEquals(List.of("-Xss2m", "-XX:TieredStopAtLevel=1", "-Xss4m"),
                    options.subList(options.size() - 3, options.size()), options.toString());
            rawExit.complete(0);
            p.join();
        } finally {
            if (before == null) {
                System.clearProperty("multiprocessing4j.jvmOptions");
            } else {
                System.setProperty("multiprocessing4j.jvmOptions", before);
            }
        }
    }

    @Test
    void whileTheLauncherStartsTheJvmOtherThreadsAreAnsweredAtOnce() throws Exception {
        CountDownLatch launching = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        when(mock.launcher.launch(any())).thenAnswer(invocation -> {
            launching.countDown();
            release.await();
            return handle;
        });
        ChildProcess p = process();
        // threads of their own: the common pool may have a single thread, which start() holds
        ExecutorService threads = Executors.newCachedThreadPool();
        CompletableFuture<Void> start = CompletableFuture.runAsync(p::start, threads);
        try {
            assertTrue(launching.await(20, TimeUnit.SECONDS), "the launcher was called");
            CompletableFuture<String> others = CompletableFuture.supplyAsync(
                    () -> p.pid() + " " + p.isAlive() + " " + p.toString(), threads);
            assertMatches("OptionalLong.empty false <ChildProcess name='ChildProcess-\\d+' parent=\\d+ initial>",
                    others.get(5, TimeUnit.SECONDS));
            assertEquals("cannot start a process twice",
                    assertThrows(IllegalStateException.class, p::start).getMessage());
            assertThrows(IllegalStateException.class, p::close, "a process being started cannot be closed");
        } finally {
            release.countDown();
            threads.shutdown();
        }
        start.get(20, TimeUnit.SECONDS);
        assertEquals(OptionalLong.of(4242), p.pid());
        assertTrue(p.isAlive());
        rawExit.complete(0);
        p.join();
    }

    @Test
    void aStartThatFailedMayBeTriedAgain() throws Exception {
        when(mock.launcher.launch(any())).thenThrow(new LaunchException("not yet")).thenReturn(handle);
        ChildProcess p = process();
        assertThrows(ProcessStartException.class, p::start);
        assertEquals(OptionalLong.empty(), p.pid());
        p.start();
        assertEquals(OptionalLong.of(4242), p.pid());
        rawExit.complete(0);
        p.join();
    }

    @Test
    void afterStartPidIsSetAndSecondStartFails() {
        ChildProcess p = process();
        p.start();
        assertEquals(OptionalLong.of(4242), p.pid());
        assertTrue(p.isAlive());
        assertTrue(Multiprocessing.activeChildren().contains(p));
        assertEquals("cannot start a process twice", assertThrows(IllegalStateException.class, p::start).getMessage());
        assertEquals("process has already started",
                assertThrows(IllegalStateException.class, () -> p.setDaemon(true)).getMessage());
        assertMatches("<ChildProcess name='ChildProcess-\\d+' pid=4242 parent=\\d+ started>", p.toString());
        rawExit.complete(0);
    }

    @Test
    void rawStatusBecomesPythonsExitCode() throws Exception {
        assertExit(0, 0, "0");
        assertExit(1, 1, "1");
        assertExit(143, -15, "-SIGTERM");
        assertExit(137, -9, "-SIGKILL");
        assertExit(255, 255, "255");
    }

    private void assertExit(int raw, int expected, String shown) throws Exception {
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        when(handle.onExit()).thenReturn(exit);
        ChildProcess p = process();
        p.start();
        exit.complete(raw);
        p.join();
        assertEquals(OptionalInt.of(expected), p.exitCode());
        assertTrue(p.toString().endsWith(" stopped exitcode=" + shown + ">"), p.toString());
    }

    @Test
    void joinWithTimeoutReportsWhetherItEnded() throws Exception {
        ChildProcess p = process();
        p.start();
        assertFalse(p.join(Duration.ofMillis(50)));
        assertFalse(p.join(Duration.ZERO));
        assertFalse(p.join(Duration.ofSeconds(-1)), "a negative timeout means zero (SPEC L17)");
        CompletableFuture<ChildProcess> ended = p.onExit();
        assertFalse(ended.isDone());
        rawExit.complete(0);
        assertEquals(p, ended.get(5, TimeUnit.SECONDS));
        assertTrue(p.join(Duration.ZERO));
        assertTrue(p.join(Duration.ofSeconds(-1)));
        p.join();
        p.join();
        assertFalse(p.isAlive());
        assertFalse(Multiprocessing.activeChildren().contains(p));
    }

    @Test
    void terminateAndKillReachTheLauncherOnlyWhileRunning() throws Exception {
        ChildProcess p = process();
        p.start();
        p.terminate();
        p.kill();
        verify(handle).terminate();
        verify(handle).kill();
        rawExit.complete(143);
        p.join();
        p.terminate();
        p.kill();
        verify(handle, Mockito.times(1)).terminate();
        verify(handle, Mockito.times(1)).kill();
    }

    @Test
    void closeRefusesARunningProcessThenLocksTheObject() throws Exception {
        ChildProcess p = process();
        p.start();
        assertEquals("Cannot close a process while it is still running. You should first call join() or terminate().",
                assertThrows(IllegalStateException.class, p::close).getMessage());
        rawExit.complete(0);
        p.join();
        p.close();
        p.close();
        assertMatches("<ChildProcess name='ChildProcess-\\d+' parent=\\d+ closed>", p.toString());
        for (org.junit.jupiter.api.function.Executable call : new org.junit.jupiter.api.function.Executable[] {
            p::pid, p::exitCode, p::isAlive, p::join, p::start, p::terminate, p::kill, p::onExit}) {
            assertEquals("process object is closed", assertThrows(IllegalStateException.class, call).getMessage());
        }
        p.setName("still allowed");
        assertEquals("still allowed", p.getName());
        assertFalse(p.isDaemon());
    }

    @Test
    void aTargetThatCannotBeSerializedFailsInTheParentBeforeAnyLaunch() throws Exception {
        Thread notSerializable = new Thread(() -> { });
        ChildProcess p = mock.context().process(() -> System.out.println(notSerializable));
        TargetNotSerializableException e = assertThrows(TargetNotSerializableException.class, p::start);
        assertEquals("java.lang.Thread", e.offendingClass());
        assertContains(e.getMessage(), "java.lang.Thread", "captured value #1");
        verify(mock.launcher, never()).launch(any());
        assertFalse(p.isAlive());
    }

    @Test
    void aFailingLauncherGivesOneClearExceptionAndNoChild() throws Exception {
        when(mock.launcher.launch(any())).thenThrow(new LaunchException("the engine is down: start it"));
        ChildProcess p = process();
        ProcessStartException e = assertThrows(ProcessStartException.class, p::start);
        assertContains(e.getMessage(), "mock", "the engine is down: start it");
        assertFalse(p.isAlive());
        assertFalse(Multiprocessing.activeChildren().contains(p));
    }

    @Test
    void namesCountPerJvmAndEmptyMeansDefault() {
        ChildProcess first = process();
        ChildProcess second = ChildProcess.builder(ChildProcessStateMachineTest::nothing).name("given").build();
        ChildProcess third = process();
        int n = first.identity().get(0);
        assertEquals("ChildProcess-" + n, first.getName());
        assertEquals("given", second.getName());
        assertEquals("ChildProcess-" + (n + 2), third.getName());
        second.setName("");
        assertEquals("ChildProcess-" + (n + 1), second.getName());
        second.setName(null);
        assertEquals("ChildProcess-" + (n + 1), second.getName());
    }

    @Test
    void anUnknownLauncherNameListsTheLaunchersFound() {
        LauncherNotFoundException e = assertThrows(LauncherNotFoundException.class,
                () -> Multiprocessing.context("nope"));
        assertContains(e.getMessage(), "'nope'", "Launchers found: none", "multiprocessing4j-launcher-nope");
    }

    private static void assertMatches(String regex, String actual) {
        assertTrue(actual.matches(regex), () -> actual + " does not match " + regex);
    }

    private static void assertContains(String actual, String... parts) {
        for (String part : parts) {
            assertTrue(actual.contains(part), () -> actual + " does not contain " + part);
        }
    }
}
