package io.github.multiprocessing4j.examples;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Manager;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * {@code manager}: Python's documentation example of {@code Manager()}. A child writes three
 * entries into a manager's dict and reverses a manager's list; the parent, which holds the
 * manager, prints both: {@code {1=1, 2=2, 0.25=null}} and {@code [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]}.
 */
public final class ManagerExample {

    private ManagerExample() {
    }

    static void f(Map<Object, Object> d, List<Integer> l) {
        d.put(1, "1");
        d.put("2", 2);
        d.put(0.25, null);
        Collections.reverse(l);
    }

    /**
     * Runs the program.
     *
     * @param args ignored
     * @throws InterruptedException if interrupted while joining
     */
    public static void main(String... args) throws InterruptedException {
        try (Manager manager = new Manager()) {
            Map<Object, Object> d = manager.dict();
            List<Integer> l = manager.list(IntStream.range(0, 10).boxed().collect(Collectors.toList()));
            ChildProcess p = new ChildProcess(() -> f(d, l));
            p.start();
            p.join();
            System.out.println(d);
            System.out.println(l);
        }
    }
}
