package io.github.multiprocessing4j.reliability;

/**
 * The two forms of the suite: the bounded CI form that {@code mvn verify} runs (about five
 * minutes on two cores, idle, with its 60 s soak), and the long form
 * ({@code -Dreliability.long=true}) with the issues' figures, which runs in parts
 * ({@code -Dgroups=churn}, {@code death}, {@code hostile}, {@code engine}, {@code soak}; see the
 * README). Every random choice derives from one seed ({@code -Dreliability.seed=<n>}), printed
 * with the summary, so that a failing run can be replayed.
 */
final class Form {

    /** Whether the long form runs. */
    static final boolean LONG = Boolean.getBoolean("reliability.long");
    /** The seed of every random choice of this run. */
    static final long SEED = Long.getLong("reliability.seed", 20261125L);

    private Form() {
    }

    /**
     * The figure for this form.
     *
     * @param ci the figure of the CI form
     * @param longForm the figure of the long form
     * @return one of them
     */
    static int pick(int ci, int longForm) {
        return LONG ? longForm : ci;
    }

    /** A name for the form, for the summary. */
    static String name() {
        return LONG ? "long" : "ci";
    }
}
