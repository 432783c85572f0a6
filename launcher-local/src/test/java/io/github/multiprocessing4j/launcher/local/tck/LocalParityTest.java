package io.github.multiprocessing4j.launcher.local.tck;

import io.github.multiprocessing4j.tck.ParitySuite;
import io.github.multiprocessing4j.tck.TckLauncher;

class LocalParityTest extends ParitySuite {

    @Override
    protected TckLauncher launcher() {
        return LocalTck.LAUNCHER;
    }
}
