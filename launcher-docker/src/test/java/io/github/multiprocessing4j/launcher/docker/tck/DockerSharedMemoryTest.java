package io.github.multiprocessing4j.launcher.docker.tck;

import io.github.multiprocessing4j.launcher.docker.RequiresDockerEngine;
import io.github.multiprocessing4j.tck.SharedMemorySuite;
import io.github.multiprocessing4j.tck.TckLauncher;

@RequiresDockerEngine
class DockerSharedMemoryTest extends SharedMemorySuite {

    @Override
    protected TckLauncher launcher() {
        return DockerTck.LAUNCHER;
    }
}
