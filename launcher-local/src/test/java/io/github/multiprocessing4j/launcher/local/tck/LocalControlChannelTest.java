package io.github.multiprocessing4j.launcher.local.tck;

import io.github.multiprocessing4j.tck.ControlChannelSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

class LocalControlChannelTest extends ControlChannelSuite {

    @Override
    protected TckLauncher launcher() {
        return LocalTck.LAUNCHER;
    }
}
