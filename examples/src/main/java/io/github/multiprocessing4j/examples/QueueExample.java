package io.github.multiprocessing4j.examples;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.Queue;

/**
 * {@code queue}: a producer and a consumer, each a child, share a {@link Queue}. The producer
 * puts five items and then {@code null}, the sentinel (Python's {@code None}); the consumer takes
 * items and prints each until it takes the sentinel. The parent joins both and prints
 * {@code done}. The items come out in the order they were put.
 */
public final class QueueExample {

    private QueueExample() {
    }

    static void produce(Queue<String> queue) {
        try {
            for (int i = 0; i < 5; i++) {
                queue.put("item " + i);
            }
            queue.put(null); // the sentinel: Python's None
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void consume(Queue<String> queue) {
        try {
            for (String item = queue.get(); item != null; item = queue.get()) { // until the sentinel
                System.out.println("consumed " + item);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs the program.
     *
     * @param args ignored
     * @throws InterruptedException if interrupted while joining
     */
    public static void main(String... args) throws InterruptedException {
        Queue<String> queue = new Queue<>();
        ChildProcess producer = new ChildProcess(() -> produce(queue));
        ChildProcess consumer = new ChildProcess(() -> consume(queue));
        consumer.start();
        producer.start();
        producer.join();
        consumer.join();
        System.out.println("done");
    }
}
