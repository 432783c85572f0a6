package io.github.multiprocessing4j.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Multiprocessing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.function.Executable;

/**
 * SPEC L16–L22: a running and a finished process.
 */
@ExtendWith(NoLeakedProcesses.class)
public abstract class RunningSuite extends TckSuite {

    /** How long terminate() and kill() may take to return "at once" (SPEC L18). */
    private static final Duration AT_ONCE = Duration.ofSeconds(1);
    /** The window in which a signal, had it been sent, would have ended a process. */
    private static final Duration SIGNAL_WINDOW = Duration.ofSeconds(1);

    /** For subclasses. */
    protected RunningSuite() {
    }

    /** A started child that runs until the test creates {@code go}; returns once its target runs. */
    private ChildProcess running(String name) throws InterruptedException {
        String ready = file(name + ".ready");
        String go = file(name + ".go");
        ChildProcess process = started(() -> Targets.readyThenAwait(ready, go));
        awaitFile(ready, name + " to run its target");
        return process;
    }

    private void release(String name) {
        Targets.touch(file(name + ".go"));
    }

    @Test
    void L16_theExitCodeIsEmptyWhileTheProcessRuns() throws Exception {
        ChildProcess process = running("p");
        assertEquals(OptionalInt.empty(), process.exitCode());
        release("p");
        assertEquals(0, exitCodeAfterJoin(process));
    }

    @Test
    void L16_terminateGivesMinusFifteen() throws Exception {
        ChildProcess process = running("p");
        process.terminate();
        assertEquals(-15, exitCodeAfterJoin(process));
    }

    @Test
    void L16_killGivesMinusNine() throws Exception {
        ChildProcess process = running("p");
        process.kill();
        assertEquals(-9, exitCodeAfterJoin(process));
    }

    @Test
    void L16_terminateOrKillRightAfterStartGiveMinusFifteenAndMinusNine() throws Exception {
        // the child JVM is still booting: the signal arrives before any of its own code runs
        ChildProcess terminated = started(() -> Targets.sleep(Targets.MAX_WAIT.toMillis()));
        terminated.terminate();
        ChildProcess killed = started(() -> Targets.sleep(Targets.MAX_WAIT.toMillis()));
        killed.kill();
        assertEquals(-15, exitCodeAfterJoin(terminated), "terminate() right after start()");
        assertEquals(-9, exitCodeAfterJoin(killed), "kill() right after start()");
    }

    @Test
    void L16_aChildThatExitsWith128PlusNByItselfReports128PlusN() throws Exception {
        ChildProcess exit143 = started(() -> Targets.exit(143));
        ChildProcess exit137 = started(() -> Targets.exit(137));
        assertEquals(143, exitCodeAfterJoin(exit143), "System.exit(143) is not SIGTERM");
        assertEquals(137, exitCodeAfterJoin(exit137), "System.exit(137) is not SIGKILL");
    }

    @Test
    void L17_joinWaitsForTheEndAndCanBeRepeated() throws Exception {
        ChildProcess process = started(() -> Targets.sleep(300));
        process.join();
        assertFalse(process.isAlive(), "not alive after join()");
        assertEquals(OptionalInt.of(0), process.exitCode(), "the exit code is known after join()");
        long start = System.nanoTime();
        process.join();
        assertTrue(process.join(Duration.ZERO));
        assertTrue(process.join(Duration.ofMillis(1)));
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(AT_ONCE) < 0,
                "joining a finished process returns at once");
    }

    @Test
    void L17_joinWithATimeoutWaitsAtMostThatLongAndSaysWhetherTheProcessEnded() throws Exception {
        ChildProcess process = running("p");
        long start = System.nanoTime();
        assertFalse(process.join(Duration.ofMillis(300)), "join(300 ms) on a running process");
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waitedMillis >= 250, "join(300 ms) waited " + waitedMillis + " ms");
        assertFalse(process.join(Duration.ZERO), "join(0) on a running process");
        assertTrue(process.isAlive());
        release("p");
        assertTrue(process.join(JOIN_TIMEOUT), "join(30 s) once the process ends");
        assertTrue(process.join(Duration.ZERO));
        assertEquals(OptionalInt.of(0), process.exitCode());
    }

    @Test
    void L18_terminateRunsTheChildsShutdownHooks() throws Exception {
        String hookRan = file("hook-ran");
        String ready = file("ready");
        ChildProcess process = started(() -> Targets.hookThenReady(hookRan, 0, ready));
        awaitFile(ready, "the hook to be registered");
        process.terminate();
        assertEquals(-15, exitCodeAfterJoin(process));
        assertTrue(Files.exists(Path.of(hookRan)), "SIGTERM ran the child's shutdown hook");
    }

    @Test
    void L18_killDoesNotRunTheChildsShutdownHooks() throws Exception {
        String hookRan = file("hook-ran");
        String ready = file("ready");
        ChildProcess process = started(() -> Targets.hookThenReady(hookRan, 0, ready));
        awaitFile(ready, "the hook to be registered");
        process.kill();
        assertEquals(-9, exitCodeAfterJoin(process));
        assertFalse(Files.exists(Path.of(hookRan)), "SIGKILL ran no shutdown hook");
    }

    @Test
    void L18_terminateAndKillReturnAtOnce() throws Exception {
        String hookRan = file("hook-ran");
        String ready = file("ready");
        // the hook keeps the child alive for 5 s after SIGTERM: terminate() must not wait for it
        ChildProcess process = started(() -> Targets.hookThenReady(hookRan, 5_000, ready));
        awaitFile(ready, "the hook to be registered");
        assertReturnsAtOnce(process::terminate, "terminate()");
        awaitFile(hookRan, "SIGTERM to start the shutdown hook");
        assertTrue(process.isAlive(), "the child still runs its 5 s shutdown hook");
        assertReturnsAtOnce(process::kill, "kill()");
        assertEquals(-9, exitCodeAfterJoin(process), "SIGKILL during the shutdown hooks ended the child");
    }

    private static void assertReturnsAtOnce(Runnable call, String what) {
        long start = System.nanoTime();
        call.run();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(AT_ONCE) < 0, what + " took " + took.toMillis() + " ms");
    }

    @Test
    void L18_terminateAndKillDoNothingOnceTheProcessHasEnded() throws Exception {
        ChildProcess process = started(() -> Targets.exit(3));
        assertEquals(3, exitCodeAfterJoin(process));
        process.terminate();
        process.kill();
        assertEquals(OptionalInt.of(3), process.exitCode());
        assertTrue(process.toString().endsWith(" stopped exitcode=3>"), process.toString());
    }

    @Test
    void L18_killDoesNotSignalTheChildsOwnChildren() throws Exception {
        requires(Capability.GRANDCHILDREN_OUTLIVE_A_KILLED_CHILD);
        Grandchild grandchild = childWithGrandchild();
        grandchild.child.kill();
        assertEquals(-9, exitCodeAfterJoin(grandchild.child));
        if (launcher().has(Capability.GRANDCHILDREN_IN_HOST_PROCESS_TABLE)) {
            assertTrue(OsProcesses.isRunning(grandchild.pid), "the grandchild still runs after kill() of its parent");
        }
        // a grandchild that SIGKILL had reached could not finish
        Targets.touch(grandchild.go);
        awaitFile(grandchild.done, "the grandchild to finish by itself after kill() of its parent");
        if (launcher().has(Capability.GRANDCHILDREN_IN_HOST_PROCESS_TABLE)) {
            assertTrue(OsProcesses.awaitGone(grandchild.pid, JOIN_TIMEOUT));
        }
    }

    @Test
    void L18_terminateDoesNotSignalTheChildsOwnChildren() throws Exception {
        Grandchild grandchild = childWithGrandchild();
        grandchild.child.terminate();
        if (launcher().has(Capability.GRANDCHILDREN_IN_HOST_PROCESS_TABLE)) {
            // a signal is delivered within milliseconds; SIGTERM would end the grandchild's JVM in this window
            assertFalse(Poll.until(() -> !OsProcesses.isRunning(grandchild.pid), SIGNAL_WINDOW),
                    "the grandchild ended after terminate() of its parent");
        }
        // SIGTERM ends the child without waiting for its non-daemon child (L23)
        assertEquals(-15, exitCodeAfterJoin(grandchild.child));
        if (launcher().has(Capability.GRANDCHILDREN_OUTLIVE_A_KILLED_CHILD)) {
            // let the grandchild finish, which one that SIGTERM had reached could not do
            Targets.touch(grandchild.go);
            awaitFile(grandchild.done, "the grandchild to finish by itself after terminate() of its parent");
        }
    }

    @Test
    void L18_terminateTreeAlsoEndsTheChildsOwnChildren() throws Exception {
        Grandchild grandchild = childWithGrandchild();
        grandchild.child.terminateTree();
        if (launcher().has(Capability.GRANDCHILDREN_IN_HOST_PROCESS_TABLE)) {
            assertTrue(OsProcesses.awaitGone(grandchild.pid, JOIN_TIMEOUT), "terminateTree() ended the grandchild");
        }
        assertEquals(-15, exitCodeAfterJoin(grandchild.child));
        // a grandchild that still ran would now finish within milliseconds
        Targets.touch(grandchild.go);
        assertFalse(Poll.until(() -> Files.exists(Path.of(grandchild.done)), SIGNAL_WINDOW),
                "the grandchild was ended, it did not finish");
    }

    /**
     * A child that runs a non-daemon grandchild, started with the launcher that children of the
     * launcher under test use for their own children.
     *
     * @param pid the grandchild's pid as it sees it: in this host's process table only with
     *     {@link Capability#GRANDCHILDREN_IN_HOST_PROCESS_TABLE}
     */
    private record Grandchild(ChildProcess child, long pid, String go, String done) {
    }

    private Grandchild childWithGrandchild() throws InterruptedException {
        String pidFile = file("grandchild.pid");
        String go = file("grandchild.go");
        String done = file("grandchild.done");
        String ready = file("child.ready");
        String childGo = file("child.go");
        TckLauncher nested = launcher().nested();
        ChildProcess child = started(() -> Targets.startGrandchild(nested, pidFile, go, done, ready, childGo));
        awaitFile(ready, "the child to start its grandchild");
        long pid = Long.parseLong(read(pidFile));
        if (launcher().has(Capability.GRANDCHILDREN_IN_HOST_PROCESS_TABLE)) {
            trackPid(pid);
        }
        return new Grandchild(child, pid, go, done);
    }

    @Test
    void L19_closingARunningProcessThrows() throws Exception {
        ChildProcess process = running("p");
        IllegalStateException e = assertThrows(IllegalStateException.class, process::close);
        assertEquals("Cannot close a process while it is still running. You should first call join() or terminate().",
                e.getMessage());
        assertTrue(process.isAlive(), "a failed close() leaves the process alone");
        release("p");
        assertEquals(0, exitCodeAfterJoin(process));
        process.close();
    }

    @Test
    void L19_aClosedProcessRefusesEverythingButItsNameAndDaemonFlag() throws Exception {
        ChildProcess process = started(Targets::nothing);
        assertEquals(0, exitCodeAfterJoin(process));
        process.close();
        process.close(); // twice is fine
        List<Executable> refused = List.of(process::pid, process::exitCode, process::isAlive, process::join,
                () -> process.join(Duration.ofSeconds(1)), process::terminate, process::kill, process::start,
                process::onExit);
        for (Executable call : refused) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call);
            assertEquals("process object is closed", e.getMessage());
        }
        process.setName("tck-closed");
        assertEquals("tck-closed", process.getName());
        assertFalse(process.isDaemon());
    }

    @Test
    void L19_anUnstartedProcessCanBeClosedAndThenNotStarted() {
        ChildProcess process = process(Targets::nothing);
        process.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, process::start);
        assertEquals("process object is closed", e.getMessage());
    }

    @Test
    void L20_toStringNamesEachStateAsPythonDoes() throws Exception {
        long me = ProcessHandle.current().pid();
        String ready = file("ready");
        String go = file("go");
        ChildProcess process = track(builder(() -> Targets.readyThenAwait(ready, go)).name("tck-repr").build());
        assertEquals("<ChildProcess name='tck-repr' parent=" + me + " initial>", process.toString());
        process.start();
        long pid = process.pid().getAsLong();
        assertEquals("<ChildProcess name='tck-repr' pid=" + pid + " parent=" + me + " started>", process.toString());
        Targets.touch(go);
        assertEquals(0, exitCodeAfterJoin(process));
        assertEquals("<ChildProcess name='tck-repr' pid=" + pid + " parent=" + me + " stopped exitcode=0>",
                process.toString());
        process.close();
        assertEquals("<ChildProcess name='tck-repr' parent=" + me + " closed>", process.toString());
    }

    @Test
    void L20_toStringNamesTheSignalThatEndedTheProcess() throws Exception {
        long me = ProcessHandle.current().pid();
        ChildProcess terminated = track(builder(() -> Targets.sleep(Targets.MAX_WAIT.toMillis())).name("tck-term").build());
        ChildProcess killed = track(builder(() -> Targets.sleep(Targets.MAX_WAIT.toMillis())).name("tck-kill").build());
        terminated.start();
        killed.start();
        terminated.terminate();
        killed.kill();
        exitCodeAfterJoin(terminated);
        exitCodeAfterJoin(killed);
        assertEquals("<ChildProcess name='tck-term' pid=" + terminated.pid().getAsLong() + " parent=" + me
                + " stopped exitcode=-SIGTERM>", terminated.toString());
        assertEquals("<ChildProcess name='tck-kill' pid=" + killed.pid().getAsLong() + " parent=" + me
                + " stopped exitcode=-SIGKILL>", killed.toString());
    }

    @Test
    void L20_toStringOfADaemonEndsWithDaemon() throws Exception {
        long me = ProcessHandle.current().pid();
        String ready = file("ready");
        String go = file("go");
        ChildProcess process = track(builder(() -> {
            Targets.readyThenAwait(ready, go);
            Targets.exit(3);
        }).name("tck-daemon").daemon(true).build());
        process.start();
        long pid = process.pid().getAsLong();
        assertEquals("<ChildProcess name='tck-daemon' pid=" + pid + " parent=" + me + " started daemon>",
                process.toString());
        Targets.touch(go);
        assertEquals(3, exitCodeAfterJoin(process));
        assertEquals("<ChildProcess name='tck-daemon' pid=" + pid + " parent=" + me + " stopped exitcode=3 daemon>",
                process.toString());
        process.close();
        assertEquals("<ChildProcess name='tck-daemon' parent=" + me + " closed daemon>", process.toString());
    }

    @Test
    void L21_onExitCompletesWithTheProcessWhenItEnds() throws Exception {
        ChildProcess process = running("p");
        CompletableFuture<ChildProcess> exit = process.onExit();
        CompletableFuture<OptionalInt> codeWhenDone = exit.thenApply(ChildProcess::exitCode);
        assertFalse(exit.isDone(), "onExit() of a running process");
        release("p");
        assertSame(process, exit.get(JOIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(OptionalInt.of(0), codeWhenDone.get(JOIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS),
                "the exit code is known when onExit() completes");
        assertTrue(process.onExit().isDone(), "onExit() of a finished process");
    }

    @Test
    void L21_onExitWorksWithAnyOfToWaitForTheFirstOfMany() throws Exception {
        ChildProcess slow = running("slow");
        ChildProcess fast = started(() -> Targets.exit(4));
        Object first = CompletableFuture.anyOf(slow.onExit(), fast.onExit())
                .get(JOIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertSame(fast, first);
        assertTrue(slow.isAlive());
        release("slow");
        assertEquals(0, exitCodeAfterJoin(slow));
    }

    @Test
    void L22_activeChildrenListsTheLiveChildrenDaemonsIncludedAndDropsTheFinishedOnes() throws Exception {
        String daemonReady = file("daemon.ready");
        String nonDaemonReady = file("nondaemon.ready");
        String go = file("go");
        ChildProcess daemon = track(builder(() -> Targets.readyThenAwait(daemonReady, go)).daemon(true).build());
        ChildProcess nonDaemon = track(builder(() -> Targets.readyThenAwait(nonDaemonReady, go)).build());
        ChildProcess quick = process(Targets::nothing);
        daemon.start();
        nonDaemon.start();
        quick.start();
        assertEquals(0, exitCodeAfterJoin(quick));
        List<ChildProcess> active = Multiprocessing.activeChildren();
        assertTrue(active.contains(daemon), "a live daemon child is listed: " + active);
        assertTrue(active.contains(nonDaemon), "a live non-daemon child is listed: " + active);
        assertFalse(active.contains(quick), "a finished child is dropped: " + active);
        Targets.touch(go);
        assertEquals(0, exitCodeAfterJoin(daemon));
        assertEquals(0, exitCodeAfterJoin(nonDaemon));
        List<ChildProcess> after = Multiprocessing.activeChildren();
        assertFalse(after.contains(daemon) || after.contains(nonDaemon), "finished children are dropped: " + after);
    }
}
