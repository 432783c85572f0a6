package io.github.multiprocessing4j.launcher.local.tck;

import io.github.multiprocessing4j.tck.ConnectionSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

class LocalConnectionTest extends ConnectionSuite {

    @Override
    protected TckLauncher launcher() {
        return LocalTck.LAUNCHER;
    }
}
