package io.github.multiprocessing4j;

import io.github.multiprocessing4j.internal.pool.PoolWorkerProcess;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pool workers that are threads of the test JVM: the board is hosted here, so a worker's loop
 * calls it directly. A worker "dies" when the test says so ({@link Worker#die(int)}), while its
 * thread may still be inside a task, as a killed JVM would leave its chunk behind.
 */
final class PoolThreadWorkers implements PoolWorkerProcess.Factory {

    private static final AtomicInteger NAMES = new AtomicInteger();

    /** Every worker created, in creation order. */
    final List<Worker> created = new CopyOnWriteArrayList<>();

    @Override
    public PoolWorkerProcess create(SerializableRunnable loop) {
        Worker worker = new Worker("ThreadWorker-" + NAMES.incrementAndGet(), loop);
        created.add(worker);
        return worker;
    }

    /** The worker whose thread is this one. */
    Worker current() {
        return created.stream().filter(w -> w.thread == Thread.currentThread()).findFirst().orElseThrow();
    }

    static final class Worker implements PoolWorkerProcess {
        private final String name;
        private final Thread thread;
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();
        volatile boolean started;

        Worker(String name, SerializableRunnable loop) {
            this.name = name;
            this.thread = new Thread(() -> {
                try {
                    loop.run();
                    exit.complete(0);
                } catch (Exception | Error e) {
                    exit.complete(1);
                }
            }, name);
            thread.setDaemon(true);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void start() {
            started = true;
            thread.start();
        }

        @Override
        public long pid() {
            return thread.getId();
        }

        @Override
        public CompletableFuture<Integer> onExit() {
            return exit;
        }

        @Override
        public void terminate() {
            thread.interrupt();
            die(-15);
        }

        @Override
        public void kill() {
            die(-9);
        }

        /** The process "ends" with this code now, whatever its thread does. */
        void die(int code) {
            if (started) {
                exit.complete(code);
            }
        }

        boolean ended() {
            return exit.isDone();
        }
    }
}
