package io.github.multiprocessing4j.launcher.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The pid a launch reports from the engine's {@code State.Pid} of a container it has just
 * started: positive while the container runs, 0 once it has ended ({@code LaunchedProcess.pid()}).
 */
class HostPidTest {

    @Test
    void theEnginesPidOfARunningContainerIsThePid() {
        assertEquals(4242, DockerLauncher.hostPid(4242L));
    }

    @Test
    void aContainerThatEndedBeforeItsPidWasReadHasPidZero() {
        // the engine's State.Pid of an exited container; no state at all for one already removed
        assertEquals(0, DockerLauncher.hostPid(0L));
        assertEquals(0, DockerLauncher.hostPid(null));
    }
}
