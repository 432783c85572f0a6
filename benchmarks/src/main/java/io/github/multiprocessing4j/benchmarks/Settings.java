package io.github.multiprocessing4j.benchmarks;

/**
 * How many times each figure is taken: warm-up rounds first (not recorded), then the measured
 * repetitions, whose median is reported.
 *
 * @param warmup warm-up rounds of the single-process figures (the warm start's too)
 * @param repetitions measured rounds of the single-process figures (the warm start's too)
 * @param concurrentWarmup warm-up rounds of the many-children figures
 * @param concurrentRepetitions measured rounds of the many-children figures
 * @param children how many children the many-children figures start at once
 * @param rssRepetitions measured rounds of the memory figures
 * @param dockerWarmup warm-up rounds of the container figures
 * @param dockerRepetitions measured rounds of the container figures
 * @param poolWarmup warm-up maps on the started pool
 * @param poolRepetitions measured maps
 * @param poolItems the items of each map
 * @param messageWarmup messages sent before the pipe and queue figures measure anything
 * @param messageBatches measured batches of the pipe and queue figures: each batch is one sample
 * @param pipeBatch round trips per pipe batch
 * @param queueBatch messages per queue batch
 * @param bigPoolWarmup warm-up maps of the 10 000-item map, on its own started pool
 * @param bigPoolRepetitions measured maps of 10 000 items
 * @param bigPoolItems the items of each of those maps
 * @param largeWarmup 1 MiB messages received before the large-message figure measures anything
 * @param largeBatch 1 MiB messages per sample of the large-message figure ({@code messageBatches} samples)
 * @param cpuTasks the CPU-bound tasks of the pool speed-up figure
 * @param cpuTaskMillis the CPU time each of those tasks is calibrated to, in milliseconds
 * @param cpuRepetitions measured rounds of the speed-up figure (each: the tasks in sequence, then on the pool)
 */
record Settings(int warmup, int repetitions, int concurrentWarmup, int concurrentRepetitions, int children,
                int rssRepetitions, int dockerWarmup, int dockerRepetitions,
                int poolWarmup, int poolRepetitions, int poolItems,
                int messageWarmup, int messageBatches, int pipeBatch, int queueBatch,
                int bigPoolWarmup, int bigPoolRepetitions, int bigPoolItems, int largeWarmup, int largeBatch,
                int cpuTasks, int cpuTaskMillis, int cpuRepetitions) {

    /**
     * {@code --quick}: under two minutes on two cores. The many-children figures have no warm-up
     * round of their own: they run after the single-process figures, which warmed up the same code.
     * The warm-ups are long enough for the JIT to have compiled the message path in every JVM
     * (a JVM's steady state is what a program that talks for longer than a second sees; CPython
     * has none to reach): pool, 2 000 warm-up maps, then 10 measured (three JVMs warm up on two
     * cores: after 100 maps of 1 000 items the median map still took 2 to 5 times what it takes
     * after 2 000, and maps of 10 000 items took 4 to 7 ms until about the 700th, 0.6 to 0.9 ms
     * from the 1 000th on). Messages: 10 000 warm-up (100 000 for the queue), then 5 batches (2 000 pipe round trips, 7 500
     * queue messages). The pipe between two children takes the same counts. Pool of 10 000
     * items: 1 000 warm-up maps, then 5 measured. Large
     * messages: 64 MiB of warm-up, then 5 batches of 16 MiB. CPU speed-up: 200 tasks of
     * 5 ms, a warm-up map of 20 of them, then 3 rounds (1.5 s each on an idle machine).
     */
    static final Settings QUICK = new Settings(2, 5, 0, 3, 20, 3, 1, 3,
            2000, 10, 1000,
            10_000, 5, 400, 1500,
            1000, 5, 10_000, 64, 16,
            200, 5, 3);
    /**
     * The default. Pool: 3 000 warm-up maps, 40 measured. Messages: 5 000 warm-up, then 20 batches
     * (20 000 round trips, 80 000 queue messages). Pool of 10 000 items: 1 500 warm-up maps, 20
     * measured. Large messages: 100 MiB of
     * warm-up, then 20 batches of 32 MiB. CPU speed-up: 7 rounds.
     */
    static final Settings FULL = new Settings(3, 20, 1, 7, 20, 7, 2, 10,
            3000, 40, 1000,
            5000, 20, 1000, 4000,
            1500, 20, 10_000, 100, 32,
            200, 5, 7);
}
