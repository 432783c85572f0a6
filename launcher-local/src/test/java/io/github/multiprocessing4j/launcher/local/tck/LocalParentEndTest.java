package io.github.multiprocessing4j.launcher.local.tck;

import io.github.multiprocessing4j.tck.ParentEndSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

class LocalParentEndTest extends ParentEndSuite {

    @Override
    protected TckLauncher launcher() {
        return LocalTck.LAUNCHER;
    }
}
