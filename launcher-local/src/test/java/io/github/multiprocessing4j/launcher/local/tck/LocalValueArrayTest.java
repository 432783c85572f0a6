package io.github.multiprocessing4j.launcher.local.tck;

import io.github.multiprocessing4j.tck.ValueArraySuite;
import io.github.multiprocessing4j.tck.TckLauncher;

class LocalValueArrayTest extends ValueArraySuite {

    @Override
    protected TckLauncher launcher() {
        return LocalTck.LAUNCHER;
    }
}
