package io.github.multiprocessing4j.launcher.local.tck;

import io.github.multiprocessing4j.tck.ConstructionSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

class LocalConstructionTest extends ConstructionSuite {

    @Override
    protected TckLauncher launcher() {
        return LocalTck.LAUNCHER;
    }
}
