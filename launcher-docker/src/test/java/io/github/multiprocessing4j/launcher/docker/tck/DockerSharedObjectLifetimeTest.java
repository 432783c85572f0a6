package io.github.multiprocessing4j.launcher.docker.tck;

import io.github.multiprocessing4j.launcher.docker.RequiresDockerEngine;
import io.github.multiprocessing4j.tck.SharedObjectLifetimeSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

@RequiresDockerEngine
class DockerSharedObjectLifetimeTest extends SharedObjectLifetimeSuite {

    @Override
    protected TckLauncher launcher() {
        return DockerTck.LAUNCHER;
    }
}
