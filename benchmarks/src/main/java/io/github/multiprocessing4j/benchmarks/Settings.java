package io.github.multiprocessing4j.benchmarks;

/**
 * How many times each figure is taken: warm-up rounds first (not recorded), then the measured
 * repetitions, whose median is reported.
 *
 * @param warmup warm-up rounds of the single-process figures
 * @param repetitions measured rounds of the single-process figures
 * @param concurrentWarmup warm-up rounds of the many-children figures
 * @param concurrentRepetitions measured rounds of the many-children figures
 * @param children how many children the many-children figures start at once
 * @param rssRepetitions measured rounds of the memory figures
 * @param dockerWarmup warm-up rounds of the container figures
 * @param dockerRepetitions measured rounds of the container figures
 */
record Settings(int warmup, int repetitions, int concurrentWarmup, int concurrentRepetitions, int children,
                int rssRepetitions, int dockerWarmup, int dockerRepetitions) {

    /**
     * {@code --quick}: under two minutes on two cores. The many-children figures have no warm-up
     * round of their own: they run after the single-process figures, which warmed up the same code.
     */
    static final Settings QUICK = new Settings(2, 5, 0, 3, 20, 3, 1, 3);
    /** The default. */
    static final Settings FULL = new Settings(3, 20, 1, 7, 20, 7, 2, 10);
}
