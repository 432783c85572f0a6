package io.github.multiprocessing4j.tck;

/**
 * A main class for {@code ChildProcess.ofMain} (SPEC L1): exits with the sum of its arguments,
 * so the test sees that it ran with them.
 */
public final class ExitWithSumMain {

    private ExitWithSumMain() {
    }

    /**
     * Exits with the sum of the arguments.
     *
     * @param args integers
     */
    public static void main(String[] args) {
        int sum = 0;
        for (String arg : args) {
            sum += Integer.parseInt(arg);
        }
        System.exit(sum);
    }
}
