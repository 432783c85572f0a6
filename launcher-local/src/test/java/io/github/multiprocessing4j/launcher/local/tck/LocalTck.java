package io.github.multiprocessing4j.launcher.local.tck;

import io.github.multiprocessing4j.tck.Capability;
import io.github.multiprocessing4j.tck.TckLauncher;
import java.util.EnumSet;
import java.util.Map;

/**
 * The local launcher as the tck sees it: children are JVMs in this host's process table and pid
 * namespace, and they start their own children with the local launcher too, which are therefore
 * in the same table, outlive a killed parent and keep writing to the output they inherited. A
 * {@code java} executable that does not exist makes it unusable (SPEC S2).
 */
final class LocalTck {

    static final TckLauncher LAUNCHER = new TckLauncher("local",
            EnumSet.of(Capability.HOST_PROCESS_TABLE, Capability.SAME_PID_NAMESPACE, Capability.TCP_TO_PARENT_HOST,
                    Capability.GRANDCHILDREN_IN_HOST_PROCESS_TABLE, Capability.GRANDCHILDREN_OUTLIVE_A_KILLED_CHILD,
                    Capability.OUTPUT_AFTER_PARENT_DEATH, Capability.SAME_HOST_SHARED_MEMORY),
            Map.of(),
            Map.of("local.java", "/nonexistent/multiprocessing4j-tck/bin/java"),
            "local");

    private LocalTck() {
    }
}
