package io.github.multiprocessing4j.launcher.local.tck;

import io.github.multiprocessing4j.tck.SynchronizationSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

class LocalSynchronizationTest extends SynchronizationSuite {

    @Override
    protected TckLauncher launcher() {
        return LocalTck.LAUNCHER;
    }
}
