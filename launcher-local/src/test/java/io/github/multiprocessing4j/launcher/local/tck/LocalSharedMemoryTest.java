package io.github.multiprocessing4j.launcher.local.tck;

import io.github.multiprocessing4j.tck.SharedMemorySuite;
import io.github.multiprocessing4j.tck.TckLauncher;

class LocalSharedMemoryTest extends SharedMemorySuite {

    @Override
    protected TckLauncher launcher() {
        return LocalTck.LAUNCHER;
    }
}
