package io.github.multiprocessing4j.examples;

import io.github.multiprocessing4j.Pool;
import java.util.List;

/**
 * {@code pool}: the first example of Python's {@code multiprocessing} documentation, a pool of
 * five workers squaring 1, 2 and 3, printing {@code [1, 4, 9]}:
 *
 * <pre>
 * from multiprocessing import Pool
 *
 * def f(x):
 *     return x*x
 *
 * if __name__ == '__main__':
 *     with Pool(5) as p:
 *         print(p.map(f, [1, 2, 3]))
 * </pre>
 *
 * Python's {@code with} block becomes try-with-resources; on the way out it closes the pool
 * (Python's terminates it: every result is in hand by then, so the output is the same).
 */
public final class PoolExample {

    private PoolExample() {
    }

    static int f(int x) {
        return x * x;
    }

    /**
     * Runs the program.
     *
     * @param args ignored
     * @throws InterruptedException if interrupted while waiting for the results
     */
    public static void main(String... args) throws InterruptedException {
        try (Pool p = new Pool(5)) {
            System.out.println(p.map(PoolExample::f, List.of(1, 2, 3)));
        }
    }
}
