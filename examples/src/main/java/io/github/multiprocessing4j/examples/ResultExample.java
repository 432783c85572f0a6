package io.github.multiprocessing4j.examples;

import io.github.multiprocessing4j.CallableProcess;
import io.github.multiprocessing4j.ChildProcessException;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;

/**
 * {@code result}: a {@link CallableProcess} computes a value in the child and hands it back: the
 * sum of the squares of 1 to 10, {@code 385}. A second one divides by zero: its
 * {@code result().get()} throws an {@code ExecutionException} whose cause is the child's
 * {@code ArithmeticException}, with the child's stack trace and, suppressed, a
 * {@link ChildProcessException} that names the process (the child also prints it on its stderr,
 * as every failing process does). Python gets the same from
 * {@code Pool.apply_async(f).get()}.
 */
public final class ResultExample {

    private ResultExample() {
    }

    static int sumOfSquares(int n) {
        return IntStream.rangeClosed(1, n).map(i -> i * i).sum();
    }

    static int divide(int dividend, int divisor) {
        return dividend / divisor;
    }

    /**
     * Runs the program.
     *
     * @param args ignored
     * @throws InterruptedException if interrupted while waiting for a result
     * @throws ExecutionException if the first computation fails
     */
    public static void main(String... args) throws InterruptedException, ExecutionException {
        CallableProcess<Integer> squares = new CallableProcess<>(() -> sumOfSquares(10));
        CallableProcess<Integer> division = new CallableProcess<>(() -> divide(1, 0));
        squares.start();
        division.start();
        System.out.println(squares.getName() + " computed the sum of the squares of 1 to 10: "
                + squares.result().get());
        try {
            System.out.println(division.getName() + " computed 1 / 0: " + division.result().get());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();                         // the child's own exception
            ChildProcessException where = (ChildProcessException) cause.getSuppressed()[0];
            System.out.println(where.processName() + " failed: " + cause);
            System.out.println("    at " + cause.getStackTrace()[0]);
        }
    }
}
