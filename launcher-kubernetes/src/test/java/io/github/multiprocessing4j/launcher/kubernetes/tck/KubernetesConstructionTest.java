package io.github.multiprocessing4j.launcher.kubernetes.tck;

import io.github.multiprocessing4j.launcher.kubernetes.RequiresCluster;
import io.github.multiprocessing4j.tck.ConstructionSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

@RequiresCluster
class KubernetesConstructionTest extends ConstructionSuite {

    @Override
    protected TckLauncher launcher() {
        return KubernetesTck.LAUNCHER;
    }
}
