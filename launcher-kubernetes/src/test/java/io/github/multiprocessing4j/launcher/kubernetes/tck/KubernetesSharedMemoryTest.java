package io.github.multiprocessing4j.launcher.kubernetes.tck;

import io.github.multiprocessing4j.launcher.kubernetes.RequiresCluster;
import io.github.multiprocessing4j.tck.SharedMemorySuite;
import io.github.multiprocessing4j.tck.TckLauncher;

@RequiresCluster
class KubernetesSharedMemoryTest extends SharedMemorySuite {

    @Override
    protected TckLauncher launcher() {
        return KubernetesTck.LAUNCHER;
    }
}
