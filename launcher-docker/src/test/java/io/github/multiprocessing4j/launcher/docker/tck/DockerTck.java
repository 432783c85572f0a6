package io.github.multiprocessing4j.launcher.docker.tck;

import io.github.multiprocessing4j.tck.Capability;
import io.github.multiprocessing4j.tck.TckLauncher;
import java.util.EnumSet;
import java.util.Map;

/**
 * The docker launcher as the tck sees it. The engine runs on this host, so a container's pid is
 * in this host's process table; the child JVM has its own pid namespace. A container has no
 * engine to start containers with: a child starts its own children next to it, in its container,
 * with the local launcher. Their pids are those of the container's pid namespace, and they end
 * with the container when the child is killed. A child's output is relayed by its parent, so
 * nothing it prints after its parent was killed arrives. The image and the shared temporary
 * directory come from the system properties surefire sets (and scenario JVMs inherit). An image
 * that does not exist makes it unusable (SPEC S2).
 */
final class DockerTck {

    static final TckLauncher LAUNCHER = new TckLauncher("docker",
            EnumSet.of(Capability.HOST_PROCESS_TABLE, Capability.SAME_HOST_SHARED_MEMORY),
            Map.of(),
            Map.of("docker.image", "multiprocessing4j/no-such-image:0"),
            "local");

    private DockerTck() {
    }
}
