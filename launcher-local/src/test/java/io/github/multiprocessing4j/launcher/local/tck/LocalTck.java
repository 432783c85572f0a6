package io.github.multiprocessing4j.launcher.local.tck;

import io.github.multiprocessing4j.tck.Capability;
import io.github.multiprocessing4j.tck.TckLauncher;
import java.util.EnumSet;
import java.util.Map;

/**
 * The local launcher as the tck sees it: children are JVMs in this host's process table and pid
 * namespace. A {@code java} executable that does not exist makes it unusable (SPEC S2).
 */
final class LocalTck {

    static final TckLauncher LAUNCHER = new TckLauncher("local",
            EnumSet.of(Capability.HOST_PROCESS_TABLE, Capability.SAME_PID_NAMESPACE),
            Map.of(),
            Map.of("local.java", "/nonexistent/multiprocessing4j-tck/bin/java"));

    private LocalTck() {
    }
}
