package io.github.multiprocessing4j.reliability;

import io.github.multiprocessing4j.ChildProcess;

/**
 * A parent whose child prints many lines to its standard output (inherited, SPEC L13); the
 * parent joins it with a deadline and prints {@code exit=<code>}.
 */
public final class FloodScenario {

    /** The padding of every line: 64 characters. */
    static final String PADDING = "x".repeat(64);

    private FloodScenario() {
    }

    /**
     * Runs the scenario.
     *
     * @param args the number of lines
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        int lines = Integer.parseInt(args[0]);
        ChildProcess child = Children.builder(() -> flood(lines)).build();
        child.start();
        System.out.println("exit=" + Children.joinWithDeadline(child));
    }

    static void flood(int lines) {
        for (int i = 0; i < lines; i++) {
            System.out.println("flood " + i + " " + PADDING);
        }
    }
}
