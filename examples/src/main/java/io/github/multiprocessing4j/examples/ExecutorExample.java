package io.github.multiprocessing4j.examples;

import io.github.multiprocessing4j.ProcessPoolExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@code executor}: the {@code ProcessPoolExecutor} example of Python's
 * {@code concurrent.futures} documentation, which checks six large numbers for primality in
 * worker processes, with the results composed as {@code CompletableFuture}s:
 *
 * <pre>
 * def main():
 *     with concurrent.futures.ProcessPoolExecutor() as executor:
 *         for number, prime in zip(PRIMES, executor.map(is_prime, PRIMES)):
 *             print('%d is prime: %s' % (number, prime))
 * </pre>
 *
 * It prints Python's six lines ({@code 112272535095293 is prime: True}, ...), then a line that
 * {@code allOf} and {@code thenCombine} compute from the futures: {@code 5 of 6 are prime}.
 * Python's {@code with} block becomes try-with-resources: {@code close()} waits for the tasks,
 * as Python's {@code shutdown(wait=True)}.
 */
public final class ExecutorExample {

    static final long[] PRIMES = {
        112272535095293L, 112582705942171L, 112272535095293L, 115280095190773L, 115797848077099L,
        1099726899285419L};

    private ExecutorExample() {
    }

    /** Python's {@code is_prime}: trial division by the odd numbers up to the square root. */
    static boolean isPrime(long n) {
        if (n < 2) {
            return false;
        }
        if (n == 2) {
            return true;
        }
        if (n % 2 == 0) {
            return false;
        }
        long sqrt = (long) Math.floor(Math.sqrt(n));
        for (long i = 3; i <= sqrt; i += 2) {
            if (n % i == 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs the program.
     *
     * @param args ignored
     * @throws InterruptedException if interrupted while waiting for the results
     * @throws ExecutionException if a check failed in its worker
     */
    public static void main(String... args) throws InterruptedException, ExecutionException {
        try (ProcessPoolExecutor executor = new ProcessPoolExecutor(2)) {
            List<CompletableFuture<Boolean>> checks = new ArrayList<>();
            for (long number : PRIMES) {
                checks.add(executor.submit(() -> isPrime(number)));
            }
            for (int i = 0; i < PRIMES.length; i++) {
                System.out.println(PRIMES[i] + " is prime: " + (checks.get(i).get() ? "True" : "False"));
            }
            CompletableFuture<Long> primes = CompletableFuture.allOf(checks.toArray(CompletableFuture[]::new))
                    .thenApply(done -> checks.stream().filter(CompletableFuture::join).count());
            CompletableFuture<Integer> numbers = CompletableFuture.completedFuture(PRIMES.length);
            System.out.println(primes.thenCombine(numbers, (count, all) -> count + " of " + all + " are prime").get());
        }
    }
}
