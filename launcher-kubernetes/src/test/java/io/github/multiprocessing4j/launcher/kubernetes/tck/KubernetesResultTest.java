package io.github.multiprocessing4j.launcher.kubernetes.tck;

import io.github.multiprocessing4j.launcher.kubernetes.RequiresCluster;
import io.github.multiprocessing4j.tck.ResultSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

@RequiresCluster
class KubernetesResultTest extends ResultSuite {

    @Override
    protected TckLauncher launcher() {
        return KubernetesTck.LAUNCHER;
    }
}
