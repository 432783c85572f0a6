package io.github.multiprocessing4j.examples;

import io.github.multiprocessing4j.Array;
import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Held;
import io.github.multiprocessing4j.Manager;
import io.github.multiprocessing4j.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code shared}: state shared by processes. Four children increment one {@link Value} counter
 * under its lock, 1000 times each (Python: {@code with counter.get_lock(): counter.value += 1}),
 * fill the {@link Array} {@code squares}, each child the elements whose index leaves its
 * number when divided by four, and each put its own entry into a {@link Manager}'s dict. The
 * parent joins them and prints all three:
 *
 * <pre>
 * counter = 4000
 * squares = [0, 1, 4, 9, 16, 25, 36, 49]
 * done = {child 0=1000, child 1=1000, child 2=1000, child 3=1000}
 * </pre>
 *
 * Each part is one method: a new kind of shared state is one more method and one more line of
 * output.
 */
public final class SharedExample {

    private static final int CHILDREN = 4;
    private static final int INCREMENTS = 1000;

    private SharedExample() {
    }

    @SuppressWarnings("try")
    static void work(int child, Value counter, Array squares, Map<String, Integer> done) {
        try {
            for (int i = 0; i < INCREMENTS; i++) {
                try (Held held = counter.getLock().hold()) { // Python: with counter.get_lock():
                    counter.set(counter.getInt() + 1);       //             counter.value += 1
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        for (int i = child; i < squares.length(); i += CHILDREN) {
            squares.set(i, (long) i * i);                    // Python: squares[i] = i * i
        }
        done.put("child " + child, INCREMENTS);              // Python: done[f"child {child}"] = 1000
    }

    /**
     * Runs the program.
     *
     * @param args ignored
     * @throws InterruptedException if interrupted while joining
     */
    public static void main(String... args) throws InterruptedException {
        Value counter = Value.of('i', 0);                    // Python: Value('i', 0)
        Array squares = Array.of('i', 8);                    // Python: Array('i', 8)
        try (Manager manager = new Manager()) {              // Python: with Manager() as manager:
            Map<String, Integer> done = manager.dict();      //             done = manager.dict()
            List<ChildProcess> children = new ArrayList<>();
            for (int c = 0; c < CHILDREN; c++) {
                int child = c;
                children.add(new ChildProcess(() -> work(child, counter, squares, done)));
            }
            for (ChildProcess child : children) {
                child.start();
            }
            for (ChildProcess child : children) {
                child.join();
            }
            System.out.println("counter = " + counter.getInt());
            System.out.println("squares = " + Arrays.toString(squares.toIntArray()));
            System.out.println("done = " + new TreeMap<>(done));
        }
    }
}
