package io.github.multiprocessing4j.launcher.docker.tck;

import io.github.multiprocessing4j.launcher.docker.RequiresDockerEngine;
import io.github.multiprocessing4j.tck.ConnectionSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

@RequiresDockerEngine
class DockerConnectionTest extends ConnectionSuite {

    @Override
    protected TckLauncher launcher() {
        return DockerTck.LAUNCHER;
    }
}
