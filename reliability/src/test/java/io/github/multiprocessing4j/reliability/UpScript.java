package io.github.multiprocessing4j.reliability;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One of the repository's idempotent {@code .ci/*-up.sh} scripts, run by the engine faults to
 * bring an engine back: it returns once the engine answers, or fails saying why on stderr.
 */
final class UpScript {

    private UpScript() {
    }

    /**
     * Runs the script and waits for it.
     *
     * @param script the script
     * @param deadline how long it may take
     * @param what what it brings up, for the failure's message
     * @param stdout where its standard output goes (its standard error goes to this JVM's)
     * @return how long it took, ms
     * @throws IOException if it cannot run
     * @throws InterruptedException if interrupted
     * @throws AssertionError if it failed or did not end within the deadline
     */
    static long run(Path script, Duration deadline, String what, ProcessBuilder.Redirect stdout)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        Process process = new ProcessBuilder(List.of("bash", script.toString()))
                .redirectOutput(stdout).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(script + " did not bring " + what + " up within " + deadline);
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(script + " failed with " + process.exitValue());
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
