package io.github.multiprocessing4j.launcher.kubernetes.tck;

import io.github.multiprocessing4j.launcher.kubernetes.SharedTempDirs;
import io.github.multiprocessing4j.tck.Capability;
import io.github.multiprocessing4j.tck.TckLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumSet;
import java.util.Map;

/**
 * The kubernetes launcher as the tck sees it. A pod's pid is the JVM's pid in the pod's own
 * process namespace, not a process of this host. The test cluster's pods use the node's network
 * (hostNetwork), so a child reaches a server of the test JVM on the loopback address; it reaches
 * the parent's control channel over TCP with TLS, which the parent binds to the address it
 * advertises (SPEC R1, C4). A child starts its own children next to it, in its pod, with the
 * local launcher: they end with the pod. A child's output is relayed by its parent through the
 * attach stream, so nothing it prints after its parent was killed arrives. Image, pull policy and
 * host network come from the system properties surefire sets (and scenario JVMs inherit). An
 * image that does not exist makes it unusable (SPEC S2, R4). A pod gets no directory of its
 * parent: no shared memory with it.
 */
final class KubernetesTck {

    static final TckLauncher LAUNCHER = new TckLauncher("kubernetes",
            EnumSet.of(Capability.TCP_TO_PARENT_HOST, Capability.CONTROL_CHANNEL_OVER_TCP),
            Map.of(),
            Map.of("kubernetes.image", "multiprocessing4j/no-such-image:0"),
            "local");

    static {
        try {
            // the hostPath directories every pod mounts, before the first pod
            SharedTempDirs.ensureShared();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private KubernetesTck() {
    }
}
