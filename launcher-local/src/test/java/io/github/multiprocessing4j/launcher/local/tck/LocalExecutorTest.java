package io.github.multiprocessing4j.launcher.local.tck;

import io.github.multiprocessing4j.tck.ExecutorSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

class LocalExecutorTest extends ExecutorSuite {

    @Override
    protected TckLauncher launcher() {
        return LocalTck.LAUNCHER;
    }
}
