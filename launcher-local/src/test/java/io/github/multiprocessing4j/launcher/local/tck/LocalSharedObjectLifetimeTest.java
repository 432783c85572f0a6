package io.github.multiprocessing4j.launcher.local.tck;

import io.github.multiprocessing4j.tck.SharedObjectLifetimeSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

class LocalSharedObjectLifetimeTest extends SharedObjectLifetimeSuite {

    @Override
    protected TckLauncher launcher() {
        return LocalTck.LAUNCHER;
    }
}
