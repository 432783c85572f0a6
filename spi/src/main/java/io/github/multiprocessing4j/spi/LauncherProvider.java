package io.github.multiprocessing4j.spi;

/**
 * Entry point of a launcher plugin, found with {@link java.util.ServiceLoader}.
 *
 * <p>Implementations must be cheap to instantiate: every provider on the class path is
 * instantiated when launchers are discovered, whichever one is finally chosen. Expensive work
 * (connecting to an engine, reading configuration) belongs in {@link #create()}.
 */
public interface LauncherProvider {

    /**
     * The unique name users select this launcher by ({@code local}, {@code docker}, ...):
     * lower case letters, digits and {@code -}, never null.
     *
     * @return the launcher's name
     */
    String name();

    /**
     * The priority used when no launcher is named explicitly: the available launcher with the
     * highest priority wins. The embedded local launcher has priority 0; launchers that need
     * infrastructure should stay below it unless they are meant to take over when present.
     *
     * @return the priority, higher wins
     */
    default int priority() {
        return 0;
    }

    /**
     * A cheap check, without side effects and without blocking for long, of whether this
     * launcher can start processes in the current environment.
     *
     * @return the availability, with a reason and remedy when unavailable; never null
     */
    Availability availability();

    /**
     * Creates a launcher. Called at most once per provider and JVM by multiprocessing4j-core,
     * on first use; the launcher is closed when the JVM exits.
     *
     * @return a new launcher, never null
     * @throws LaunchException if the launcher cannot be created; the message says in one
     *     sentence what is missing and what to do
     */
    Launcher create() throws LaunchException;

    /**
     * Whether a class path entry of the parent belongs to this launcher alone: its own jar or
     * directory, or a library that only it uses. Core leaves such entries off the class path of
     * every child, unless the user names this launcher in the system property
     * {@code multiprocessing4j.child.launchers} because children start processes with it too: a
     * child then opens fewer jars at start (a JVM reads every jar's manifest as it searches them,
     * and signed ones are slow to read). Answer only from the path (its file name, or this
     * provider's own code source), without opening it. Claim only what no user code is likely to
     * need: a class missing from a child is a failure.
     *
     * @param entry an absolute, normalised class path entry of the parent
     * @return true if only this launcher uses it; false by default: the entry stays
     */
    default boolean ownsClassPathEntry(java.nio.file.Path entry) {
        return false;
    }
}
