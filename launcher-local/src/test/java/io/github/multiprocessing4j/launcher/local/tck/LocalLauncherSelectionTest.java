package io.github.multiprocessing4j.launcher.local.tck;

import io.github.multiprocessing4j.tck.LauncherSelectionSuite;
import io.github.multiprocessing4j.tck.TckLauncher;

class LocalLauncherSelectionTest extends LauncherSelectionSuite {

    @Override
    protected TckLauncher launcher() {
        return LocalTck.LAUNCHER;
    }
}
