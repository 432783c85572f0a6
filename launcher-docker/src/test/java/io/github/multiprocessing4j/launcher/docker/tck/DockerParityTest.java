package io.github.multiprocessing4j.launcher.docker.tck;

import io.github.multiprocessing4j.launcher.docker.RequiresDockerEngine;
import io.github.multiprocessing4j.tck.ParitySuite;
import io.github.multiprocessing4j.tck.TckLauncher;

@RequiresDockerEngine
class DockerParityTest extends ParitySuite {

    @Override
    protected TckLauncher launcher() {
        return DockerTck.LAUNCHER;
    }
}
