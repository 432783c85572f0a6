package io.github.multiprocessing4j.launcher.local.tck;

import io.github.multiprocessing4j.tck.ResultSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

class LocalResultTest extends ResultSuite {

    @Override
    protected TckLauncher launcher() {
        return LocalTck.LAUNCHER;
    }
}
