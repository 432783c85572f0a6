package io.github.multiprocessing4j.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Once every test of the run has finished, prints the summary table and, as the suite's last
 * line, {@code reliability: cycles=<n> leaks=<n> ...}; the same text goes to
 * {@code target/reliability-summary.txt}. Registered through {@code META-INF/services}, so it
 * is no test of its own. It also tells {@link Progress} which test runs, and stops its lines
 * before the summary.
 */
public final class SummaryListener implements TestExecutionListener {

    /** Creates the listener; the JUnit Platform's launcher does, through the service loader. */
    public SummaryListener() {
    }

    @Override
    public void executionStarted(TestIdentifier testIdentifier) {
        if (testIdentifier.isTest()) {
            String name = testIdentifier.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
                    .map(method -> method.getClassName().replaceFirst(".*\\.", "") + "." + method.getMethodName())
                    .orElse(testIdentifier.getDisplayName());
            Progress.testStarted(name);
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        Progress.stop();
        if (!testPlan.containsTests()) {
            return;
        }
        String summary = Figures.summary();
        Path target = Path.of(System.getProperty("reliability.summary", "target/reliability-summary.txt"));
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Files.writeString(target, summary + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the summary to " + target.toAbsolutePath(), e);
        }
        System.err.flush();
        System.out.println(summary);
        System.out.flush();
    }
}
