package io.github.multiprocessing4j.launcher.kubernetes.tck;

import io.github.multiprocessing4j.launcher.kubernetes.RequiresCluster;
import io.github.multiprocessing4j.tck.QueueSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

@RequiresCluster
class KubernetesQueueTest extends QueueSuite {

    @Override
    protected TckLauncher launcher() {
        return KubernetesTck.LAUNCHER;
    }
}
