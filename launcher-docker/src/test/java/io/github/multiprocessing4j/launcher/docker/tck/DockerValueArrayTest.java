package io.github.multiprocessing4j.launcher.docker.tck;

import io.github.multiprocessing4j.launcher.docker.RequiresDockerEngine;
import io.github.multiprocessing4j.tck.ValueArraySuite;
import io.github.multiprocessing4j.tck.TckLauncher;

@RequiresDockerEngine
class DockerValueArrayTest extends ValueArraySuite {

    @Override
    protected TckLauncher launcher() {
        return DockerTck.LAUNCHER;
    }
}
