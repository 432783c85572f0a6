package io.github.multiprocessing4j.launcher.local.tck;

import io.github.multiprocessing4j.tck.PoolSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

class LocalPoolTest extends PoolSuite {

    @Override
    protected TckLauncher launcher() {
        return LocalTck.LAUNCHER;
    }
}
