package io.github.multiprocessing4j.launcher.kubernetes.tck;

import io.github.multiprocessing4j.launcher.kubernetes.RequiresCluster;
import io.github.multiprocessing4j.tck.ParitySuite;
import io.github.multiprocessing4j.tck.TckLauncher;

@RequiresCluster
class KubernetesParityTest extends ParitySuite {

    @Override
    protected TckLauncher launcher() {
        return KubernetesTck.LAUNCHER;
    }
}
