package io.github.multiprocessing4j.launcher.local.tck;

import io.github.multiprocessing4j.tck.BeforeStartSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

class LocalBeforeStartTest extends BeforeStartSuite {

    @Override
    protected TckLauncher launcher() {
        return LocalTck.LAUNCHER;
    }
}
