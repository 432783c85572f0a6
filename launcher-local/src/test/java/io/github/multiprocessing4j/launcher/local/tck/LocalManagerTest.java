package io.github.multiprocessing4j.launcher.local.tck;

import io.github.multiprocessing4j.tck.ManagerSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

class LocalManagerTest extends ManagerSuite {

    @Override
    protected TckLauncher launcher() {
        return LocalTck.LAUNCHER;
    }
}
