package io.github.multiprocessing4j.internal;

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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The launchers of this JVM (SPEC S1, S2): providers found once with {@link ServiceLoader}, each
 * failing provider skipped with a warning, launchers created on first use and closed at exit.
 */
public final class Launchers {

    /** The system property that names the launcher. */
    public static final String PROPERTY = "multiprocessing4j.launcher";
    /** The environment variable that names the launcher. */
    public static final String ENVIRONMENT = "MULTIPROCESSING4J_LAUNCHER";

    private static volatile List<LauncherProvider> providers;
    private static volatile String startMethod;
    private static final Map<String, Launcher> CREATED = new ConcurrentHashMap<>();
    private static final AtomicBoolean CHOICE_LOGGED = new AtomicBoolean();

    private Launchers() {
    }

    /** A provider and its launcher. */
    record Selected(String name, Launcher launcher) {
    }

    /**
     * Fails unless a launcher of that name is on the class path.
     *
     * @param name the launcher's name
     * @throws LauncherNotFoundException if there is none
     */
    public static void requireKnown(String name) {
        if (LauncherSelection.find(name, providers()).isEmpty()) {
            throw LauncherSelection.unknown(name, "the API", providers());
        }
    }

    /**
     * Python's {@code set_start_method}.
     *
     * @param name the launcher's name, or null (with force) to clear
     * @param force whether to replace an earlier choice
     */
    public static synchronized void setDefault(String name, boolean force) {
        if (startMethod != null && !force) {
            throw new IllegalStateException("context has already been set");
        }
        if (name != null) {
            requireKnown(name);
        }
        startMethod = name;
    }

    /**
     * The launcher processes without an explicit one use.
     *
     * @return its name
     */
    public static String defaultName() {
        return select(null).name();
    }

    /**
     * The names of every provider found, highest priority first.
     *
     * @return the names
     */
    public static List<String> allNames() {
        return providers().stream().sorted(LauncherSelection.ORDER).map(LauncherProvider::name).toList();
    }

    /**
     * The launcher for a process about to start, created on first use.
     *
     * @param explicit the name given by the process's builder or context, or null
     * @throws LauncherNotFoundException if the name is unknown or there is no launcher
     * @throws ProcessStartException if the launcher is unavailable or cannot be created (S2)
     */
    static Selected forStart(String explicit) {
        LauncherProvider provider = select(explicit);
        Launcher launcher = CREATED.get(provider.name());
        if (launcher == null) {
            synchronized (CREATED) {
                launcher = CREATED.get(provider.name());
                if (launcher == null) {
                    launcher = create(provider);
                    CREATED.put(provider.name(), launcher);
                }
            }
        }
        return new Selected(provider.name(), launcher);
    }

    private static Launcher create(LauncherProvider provider) {
        Availability availability = provider.availability();
        if (!availability.isAvailable()) {
            throw new ProcessStartException("The '" + provider.name() + "' launcher is not available: "
                    + availability.reason(), null);
        }
        try {
            return provider.create();
        } catch (LaunchException e) {
            throw new ProcessStartException("The '" + provider.name() + "' launcher could not be created: "
                    + e.getMessage(), e);
        }
    }

    private static LauncherProvider select(String explicit) {
        String api = explicit != null ? explicit : startMethod;
        List<LauncherProvider> found = providers();
        LauncherProvider chosen = LauncherSelection.select(api, System.getProperty(PROPERTY), System.getenv(ENVIRONMENT),
                found);
        if (found.size() > 1 && CHOICE_LOGGED.compareAndSet(false, true)) {
            Log.LOGGER.debug("launchers found: {}; using '{}'", allNames(), chosen.name());
        }
        return chosen;
    }

    /** Closes every launcher created; called at JVM exit. */
    static void closeAll() {
        for (Launcher launcher : CREATED.values()) {
            try {
                launcher.close();
            } catch (RuntimeException e) {
                Log.LOGGER.warn("closing launcher {} failed: {}", launcher, e.toString());
            }
        }
        CREATED.clear();
    }

    private static List<LauncherProvider> providers() {
        List<LauncherProvider> loaded = providers;
        if (loaded == null) {
            synchronized (Launchers.class) {
                loaded = providers;
                if (loaded == null) {
                    loaded = load();
                    providers = loaded;
                }
            }
        }
        return loaded;
    }

    private static List<LauncherProvider> load() {
        Map<String, LauncherProvider> byName = new LinkedHashMap<>();
        Iterator<LauncherProvider> iterator = ServiceLoader.load(LauncherProvider.class).iterator();
        while (true) {
            LauncherProvider provider;
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                provider = iterator.next();
            } catch (ServiceConfigurationError e) {
                Log.LOGGER.warn("skipping a launcher that cannot be loaded: {}", e.getMessage());
                continue;
            }
            LauncherProvider twin = byName.putIfAbsent(provider.name(), provider);
            if (twin != null) {
                throw new IllegalStateException("Two launchers are named '" + provider.name() + "': "
                        + twin.getClass().getName() + " and " + provider.getClass().getName()
                        + ". Remove one of their artifacts from the class path.");
            }
        }
        return List.copyOf(new ArrayList<>(byName.values()));
    }

    private static final class Log {
        static final Logger LOGGER = LoggerFactory.getLogger(Launchers.class);
    }
}
