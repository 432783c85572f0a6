package io.github.multiprocessing4j.launcher.local.tck;

import io.github.multiprocessing4j.tck.BadInputSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

class LocalBadInputTest extends BadInputSuite {

    @Override
    protected TckLauncher launcher() {
        return LocalTck.LAUNCHER;
    }
}
