package io.github.multiprocessing4j.launcher.local.tck;

import io.github.multiprocessing4j.tck.StartSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

class LocalStartTest extends StartSuite {

    @Override
    protected TckLauncher launcher() {
        return LocalTck.LAUNCHER;
    }
}
