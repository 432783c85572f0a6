package io.github.multiprocessing4j.launcher.kubernetes;

import io.github.multiprocessing4j.ChildProcess;

/**
 * The parent JVM of {@link ParentKilledTest}: starts a daemon child in a pod, prints
 * {@code READY}, and waits to be killed.
 */
public final class KilledParentMain {

    private KilledParentMain() {
    }

    /**
     * Starts the daemon child and waits.
     *
     * @param args unused
     * @throws InterruptedException never in practice
     */
    public static void main(String[] args) throws InterruptedException {
        ChildProcess daemon = ChildProcess.builder(KilledParentMain::sleep).name("orphan").launcher("kubernetes")
                .daemon(true).build();
        daemon.start();
        System.out.println("READY pid=" + daemon.pid().getAsLong());
        Thread.sleep(120_000);
    }

    private static void sleep() {
        try {
            Thread.sleep(120_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
