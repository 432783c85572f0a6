package io.github.multiprocessing4j.tck.scenarios;

import static io.github.multiprocessing4j.tck.scenarios.ScenarioSupport.print;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.tck.TckLauncher;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * SPEC L13 and C1: the child's standard streams. Mode {@code stdin}: the child reads one byte
 * from {@code System.in} (at most 5 s) and prints what it got. Mode {@code lines <n>}: the child
 * prints n lines on each of {@code System.out} and {@code System.err}, interleaved, with
 * non-ASCII text, a tab and one very long line, then returns.
 */
public final class StdioScenario {

    /** Every line the child prints on standard error starts with this. */
    public static final String ERR_PREFIX = "err-";

    private StdioScenario() {
    }

    /**
     * Runs the scenario.
     *
     * @param args {@code stdin}, or {@code lines} and a count
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        TckLauncher launcher = ScenarioSupport.launcher();
        ChildProcess child;
        if (args[0].equals("stdin")) {
            child = launcher.builder(StdioScenario::readStdin).build();
        } else {
            int lines = Integer.parseInt(args[1]);
            child = launcher.builder(() -> printLines(lines)).build();
        }
        child.start();
        child.join();
        print("exit", child.exitCode().orElse(Integer.MIN_VALUE));
    }

    private static void readStdin() {
        CompletableFuture<Integer> read = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                read.complete(System.in.read());
            } catch (IOException e) {
                read.completeExceptionally(e);
            }
        }, "tck-stdin");
        reader.setDaemon(true);
        reader.start();
        String result;
        try {
            result = String.valueOf(read.get(5, TimeUnit.SECONDS));
        } catch (TimeoutException e) {
            result = "blocked for 5 s";
        } catch (ExecutionException e) {
            result = ScenarioSupport.describe(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = "interrupted";
        }
        print("child.stdin", result);
    }

    private static void printLines(int lines) {
        List<String> out = expectedOut(lines);
        List<String> err = expectedErr(lines);
        for (int i = 0; i < lines; i++) {
            System.out.println(out.get(i));
            System.err.println(err.get(i));
        }
    }

    /**
     * What the child prints on standard output.
     *
     * @param lines how many lines
     * @return the lines
     */
    public static List<String> expectedOut(int lines) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            out.add(i == lines / 2 ? "out-" + i + " " + "y".repeat(20_000)
                    : "out-" + i + " 测试多进程 ✓\t" + "x".repeat(i % 50));
        }
        return out;
    }

    /**
     * What the child prints on standard error.
     *
     * @param lines how many lines
     * @return the lines
     */
    public static List<String> expectedErr(int lines) {
        List<String> err = new ArrayList<>();
        for (int i = 0; i < lines; i++) {
            err.add(ERR_PREFIX + i + " 多进程");
        }
        return err;
    }
}
