package io.github.multiprocessing4j.launcher.kubernetes.tck;

import io.github.multiprocessing4j.launcher.kubernetes.RequiresCluster;
import io.github.multiprocessing4j.tck.SharedObjectLifetimeSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

@RequiresCluster
class KubernetesSharedObjectLifetimeTest extends SharedObjectLifetimeSuite {

    @Override
    protected TckLauncher launcher() {
        return KubernetesTck.LAUNCHER;
    }
}
