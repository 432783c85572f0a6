package io.github.multiprocessing4j.launcher.local.tck;

import io.github.multiprocessing4j.tck.ChildViewSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

class LocalChildViewTest extends ChildViewSuite {

    @Override
    protected TckLauncher launcher() {
        return LocalTck.LAUNCHER;
    }
}
