/**
 * The docker launcher: children as containers, through the Docker Engine API.
 */
module io.github.multiprocessing4j.launcher.docker {
    requires io.github.multiprocessing4j.spi;
    requires org.slf4j;
    requires com.github.dockerjava.api;
    requires com.github.dockerjava.core;
    requires com.github.dockerjava.transport;
    requires com.github.dockerjava.transport.httpclient5;

    provides io.github.multiprocessing4j.spi.LauncherProvider
            with io.github.multiprocessing4j.launcher.docker.DockerLauncherProvider;
}
