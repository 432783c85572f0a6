package io.github.multiprocessing4j.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs last (the class order of {@code junit-platform.properties}) and prints the summary table,
 * then, as the suite's last line, {@code reliability: cycles=<n> leaks=<n> ...}. The same text
 * goes to {@code target/reliability-summary.txt}.
 */
@Order(Integer.MAX_VALUE)
class SummaryTest {

    @Test
    void figuresAreCollected() {
        // the figures are printed after the last test, below
    }

    @AfterAll
    static void printSummary() throws IOException {
        String summary = Figures.summary();
        Path target = Path.of(System.getProperty("reliability.summary", "target/reliability-summary.txt"));
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.writeString(target, summary + "\n");
        System.err.flush();
        System.out.println(summary);
        System.out.flush();
    }
}
