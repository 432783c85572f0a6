package io.github.multiprocessing4j.launcher.local.tck;

import io.github.multiprocessing4j.tck.RunningSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

class LocalRunningTest extends RunningSuite {

    @Override
    protected TckLauncher launcher() {
        return LocalTck.LAUNCHER;
    }
}
