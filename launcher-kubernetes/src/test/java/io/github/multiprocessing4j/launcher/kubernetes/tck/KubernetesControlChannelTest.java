package io.github.multiprocessing4j.launcher.kubernetes.tck;

import io.github.multiprocessing4j.launcher.kubernetes.RequiresCluster;
import io.github.multiprocessing4j.tck.ControlChannelSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

@RequiresCluster
class KubernetesControlChannelTest extends ControlChannelSuite {

    @Override
    protected TckLauncher launcher() {
        return KubernetesTck.LAUNCHER;
    }
}
