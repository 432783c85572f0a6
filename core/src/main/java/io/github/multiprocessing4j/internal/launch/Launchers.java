package io.github.multiprocessing4j.internal.launch;

import io.github.multiprocessing4j.LauncherNotFoundException;
import io.github.multiprocessing4j.ProcessStartException;
import io.github.multiprocessing4j.spi.Availability;
import io.github.multiprocessing4j.spi.LaunchException;
import io.github.multiprocessing4j.spi.Launcher;
import io.github.multiprocessing4j.spi.LauncherProvider;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A set of launchers (SPEC S1, S2), built from a list of providers, as JUnit's launcher is
 * built from a {@code LauncherConfig}: {@link #system()} holds the providers this JVM finds with
 * {@link ServiceLoader}, each failing provider skipped with a warning; tests build their own
 * from the providers they hand in. Launchers are created on first use and closed at exit.
 */
public final class Launchers {

    /** The system property that names the launcher. */
    public static final String PROPERTY = "multiprocessing4j.launcher";
    /** The environment variable that names the launcher. */
    public static final String ENVIRONMENT = "MULTIPROCESSING4J_LAUNCHER";

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]+");
    /** Every set that created a launcher: their launchers are closed at exit. */
    private static final Set<Launchers> WITH_LAUNCHERS = ConcurrentHashMap.newKeySet();

    private final List<LauncherProvider> providers;
    private final Map<String, Launcher> created = new ConcurrentHashMap<>();
    private final AtomicBoolean choiceLogged = new AtomicBoolean();
    private volatile String startMethod;

    /**
     * A set of launchers made from these providers.
     *
     * @param providers the providers; never null
     * @throws IllegalArgumentException if a provider's name is null, is not made of lower-case
     *     letters, digits and dashes, or is the name of another provider too
     */
    public Launchers(List<? extends LauncherProvider> providers) {
        Map<String, LauncherProvider> byName = new LinkedHashMap<>();
        for (LauncherProvider provider : providers) {
            String name = provider.name();
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("The launcher " + provider.getClass().getName() + " is named "
                        + (name == null ? "null" : "'" + name + "'") + ": a launcher's name is made of lower-case"
                        + " letters, digits and dashes ([a-z0-9-]+). Fix the provider or remove its artifact.");
            }
            LauncherProvider twin = byName.putIfAbsent(name, provider);
            if (twin != null) {
                throw new IllegalArgumentException("Two launchers are named '" + name + "': "
                        + twin.getClass().getName() + " and " + provider.getClass().getName()
                        + ". Remove one of their artifacts from the class path.");
            }
        }
        this.providers = List.copyOf(byName.values());
    }

    /**
     * The launchers found on this JVM's class path, loaded once.
     *
     * @return the system's launchers, never null
     * @throws IllegalArgumentException if two providers found share a name, or a name is invalid
     */
    public static Launchers system() {
        return Discovered.INSTANCE;
    }

    /** A provider and its launcher. */
    public record Selected(String name, Launcher launcher) {
    }

    /**
     * Fails unless a launcher of that name is here.
     *
     * @param name the launcher's name
     * @throws LauncherNotFoundException if there is none
     */
    public void requireKnown(String name) {
        if (LauncherSelection.find(name, providers).isEmpty()) {
            throw LauncherSelection.unknown(name, "the API", providers);
        }
    }

    /**
     * Python's {@code set_start_method}.
     *
     * @param name the launcher's name, or null (with force) to clear
     * @param force whether to replace an earlier choice
     * @throws IllegalStateException "context has already been set" without force
     * @throws LauncherNotFoundException if the name is unknown
     */
    public synchronized void setDefault(String name, boolean force) {
        if (startMethod != null && !force) {
            throw new IllegalStateException("context has already been set");
        }
        if (name != null) {
            requireKnown(name);
        }
        startMethod = name;
    }

    /**
     * The launcher that processes without an explicit one use.
     *
     * @return its name, never null
     * @throws LauncherNotFoundException if there is none
     */
    public String defaultName() {
        return select(null).name();
    }

    /**
     * The names of every provider, highest priority first.
     *
     * @return the names, never null
     */
    public List<String> allNames() {
        return providers.stream().sorted(LauncherSelection.ORDER).map(LauncherProvider::name).toList();
    }

    /**
     * The launcher for a process about to start, created on first use.
     *
     * @param explicit the name given by the process's builder or context, or null
     * @return the selected launcher, never null
     * @throws LauncherNotFoundException if the name is unknown or there is no launcher
     * @throws ProcessStartException if the launcher is unavailable or cannot be created (S2)
     */
    public Selected forStart(String explicit) {
        LauncherProvider provider = select(explicit);
        Launcher launcher = created.get(provider.name());
        if (launcher == null) {
            synchronized (created) {
                launcher = created.get(provider.name());
                if (launcher == null) {
                    launcher = create(provider);
                    created.put(provider.name(), launcher);
                    WITH_LAUNCHERS.add(this);
                }
            }
        }
        return new Selected(provider.name(), launcher);
    }

    private static Launcher create(LauncherProvider provider) {
        Availability availability = LauncherSelection.availabilityOf(provider);
        if (!availability.isAvailable()) {
            throw new ProcessStartException("The '" + provider.name() + "' launcher is not available: "
                    + availability.reason(), null);
        }
        try {
            return provider.create();
        } catch (LaunchException e) {
            throw new ProcessStartException("The '" + provider.name() + "' launcher could not be created: "
                    + e.getMessage(), e);
        } catch (RuntimeException | LinkageError e) {
            throw new ProcessStartException("The '" + provider.name() + "' launcher failed while it was created: "
                    + e, e);
        }
    }

    private LauncherProvider select(String explicit) {
        String api = explicit != null ? explicit : startMethod;
        LauncherProvider chosen = LauncherSelection.select(api, System.getProperty(PROPERTY),
                System.getenv(ENVIRONMENT), providers);
        if (providers.size() > 1 && choiceLogged.compareAndSet(false, true)) {
            Log.LOGGER.debug("launchers found: {}; using '{}'", allNames(), chosen.name());
        }
        return chosen;
    }

    /** Closes every launcher created by any set; called at JVM exit. */
    public static void closeAll() {
        for (Launchers launchers : WITH_LAUNCHERS) {
            launchers.close();
        }
        WITH_LAUNCHERS.clear();
    }

    private void close() {
        for (Launcher launcher : created.values()) {
            try {
                launcher.close();
            } catch (RuntimeException e) {
                Log.LOGGER.warn("closing launcher {} failed: {}", launcher, e.toString());
            }
        }
        created.clear();
    }

    @Override
    public String toString() {
        return "Launchers" + allNames();
    }

    /** The providers found with {@link ServiceLoader}, loaded on first use. */
    private static final class Discovered {
        static final Launchers INSTANCE = new Launchers(load());

        private static List<LauncherProvider> load() {
            List<LauncherProvider> found = new ArrayList<>();
            Iterator<LauncherProvider> iterator = ServiceLoader.load(LauncherProvider.class).iterator();
            while (true) {
                try {
                    if (!iterator.hasNext()) {
                        return found;
                    }
                    found.add(iterator.next());
                } catch (ServiceConfigurationError e) {
                    Log.LOGGER.warn("skipping a launcher that cannot be loaded: {}", e.getMessage());
                }
            }
        }
    }

    private static final class Log {
        static final Logger LOGGER = LoggerFactory.getLogger(Launchers.class);
    }
}
