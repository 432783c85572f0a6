package io.github.multiprocessing4j.launcher.local.tck;

import io.github.multiprocessing4j.tck.PipeSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

class LocalPipeTest extends PipeSuite {

    @Override
    protected TckLauncher launcher() {
        return LocalTck.LAUNCHER;
    }
}
