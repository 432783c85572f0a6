package io.github.multiprocessing4j.launcher.kubernetes.tck;

import io.github.multiprocessing4j.launcher.kubernetes.RequiresCluster;
import io.github.multiprocessing4j.tck.ValueArraySuite;
import io.github.multiprocessing4j.tck.TckLauncher;

@RequiresCluster
class KubernetesValueArrayTest extends ValueArraySuite {

    @Override
    protected TckLauncher launcher() {
        return KubernetesTck.LAUNCHER;
    }
}
