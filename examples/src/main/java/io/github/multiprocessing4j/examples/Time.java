package io.github.multiprocessing4j.examples;

import java.time.Duration;

/** Python's {@code time.sleep}, for targets that cannot throw checked exceptions. */
final class Time {

    private Time() {
    }

    /**
     * Sleeps for {@code duration}. An interrupt ends the sleep early and stays set.
     *
     * @param duration how long
     */
    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
