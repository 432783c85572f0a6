package io.github.multiprocessing4j.launcher.local.tck;

import io.github.multiprocessing4j.tck.QueueSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

class LocalQueueTest extends QueueSuite {

    @Override
    protected TckLauncher launcher() {
        return LocalTck.LAUNCHER;
    }
}
