package io.github.multiprocessing4j.internal.launch;

import io.github.multiprocessing4j.LauncherNotFoundException;
import io.github.multiprocessing4j.ProcessStartException;
import io.github.multiprocessing4j.spi.Availability;
import io.github.multiprocessing4j.spi.LaunchException;
import io.github.multiprocessing4j.spi.Launcher;
import io.github.multiprocessing4j.spi.LauncherProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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
    /**
     * The system property that names, comma separated, the launchers whose own class path entries
     * children keep because they start processes with them too ({@code all} for every launcher).
     */
    public static final String CHILD_LAUNCHERS_PROPERTY = "multiprocessing4j.child.launchers";

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]+");
    /** Every set that created a launcher: their launchers are closed at exit. */
    private static final Set<Launchers> WITH_LAUNCHERS = ConcurrentHashMap.newKeySet();

    private final List<LauncherProvider> providers;
    private final Map<String, Launcher> created = new ConcurrentHashMap<>();
    private final AtomicBoolean choiceLogged = new AtomicBoolean();
    private volatile String startMethod;
    private volatile ChildClassPath childClassPath;

    /**
     * A child's default class path: the parent's, without the entries of launchers the child does
     * not use, and what was left off.
     *
     * @param entries the class path entries a child gets
     * @param leftOff the parent's entries left off, for the child's hint when a class is missing
     */
    public record ChildClassPath(List<Path> entries, List<Path> leftOff) {
        /**
         * Copies the lists.
         *
         * @param entries the class path entries a child gets
         * @param leftOff the parent's entries left off
         */
        public ChildClassPath {
            entries = List.copyOf(entries);
            leftOff = List.copyOf(leftOff);
        }
    }

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
     * A child's default class path, computed once: the parent's entries ({@link ClassPath#ofThisJvm()})
     * without those that a launcher claims as its own alone
     * ({@link LauncherProvider#ownsClassPathEntry}), unless {@value #CHILD_LAUNCHERS_PROPERTY}
     * names that launcher (or is {@code all}).
     *
     * @return the entries and what was left off
     */
    public ChildClassPath childClassPath() {
        ChildClassPath computed = childClassPath;
        if (computed == null) {
            computed = childClassPath(ClassPath.ofThisJvm(), System.getProperty(CHILD_LAUNCHERS_PROPERTY, ""));
            childClassPath = computed;
        }
        return computed;
    }

    /**
     * {@link #childClassPath()} for given entries and a given value of {@value #CHILD_LAUNCHERS_PROPERTY}.
     *
     * @param parentEntries the parent's class path entries
     * @param keptLaunchers the property's value: launcher names, comma separated, or {@code all}
     * @return the entries and what was left off
     */
    ChildClassPath childClassPath(List<Path> parentEntries, String keptLaunchers) {
        return childClassPath(parentEntries, keptLaunchers, CoreCode.LOCATION);
    }

    /**
     * {@link #childClassPath(List, String)} where core was loaded from {@code core}: that entry
     * is never left off, whoever claims it. A launcher recognises its own jar by where its
     * classes were loaded from, and in a shaded (fat) jar that is the jar that holds core and the
     * application too: leaving it off would leave the child without its runtime.
     *
     * @param parentEntries the parent's class path entries
     * @param keptLaunchers the property's value
     * @param core where core's classes come from, or null if unknown
     * @return the entries and what was left off
     */
    ChildClassPath childClassPath(List<Path> parentEntries, String keptLaunchers, Path core) {
        Set<String> kept = new HashSet<>();
        for (String name : keptLaunchers.split(",")) {
            if (!name.isBlank()) {
                kept.add(name.trim());
            }
        }
        List<LauncherProvider> trimming = kept.contains("all") ? List.of()
                : providers.stream().filter(provider -> !kept.contains(provider.name())).collect(Collectors.toList());
        List<Path> entries = new ArrayList<>();
        List<Path> leftOff = new ArrayList<>();
        Set<String> by = new TreeSet<>();
        for (Path entry : parentEntries) {
            Optional<LauncherProvider> owner = isCore(entry, core) ? Optional.empty()
                    : trimming.stream().filter(provider -> owns(provider, entry)).findFirst();
            if (owner.isPresent()) {
                leftOff.add(entry);
                by.add(owner.get().name());
            } else {
                entries.add(entry);
            }
        }
        if (!leftOff.isEmpty()) {
            Log.LOGGER.debug("children's class path: {} entries of launcher(s) {} left off (children do not start"
                    + " processes with them; -D{}={} keeps them): {}", leftOff.size(), by, CHILD_LAUNCHERS_PROPERTY,
                    String.join(",", by), leftOff);
        }
        return new ChildClassPath(entries, leftOff);
    }

    private static boolean isCore(Path entry, Path core) {
        return core != null && entry.toAbsolutePath().normalize().equals(core);
    }

    /** Where this class (and so core) was loaded from, or null if that cannot be told. */
    private static final class CoreCode {
        static final Path LOCATION = locate();

        private static Path locate() {
            try {
                java.security.CodeSource source = Launchers.class.getProtectionDomain().getCodeSource();
                return source == null ? null : Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
            } catch (java.net.URISyntaxException | RuntimeException e) {
                return null;
            }
        }
    }

    private static boolean owns(LauncherProvider provider, Path entry) {
        try {
            return provider.ownsClassPathEntry(entry);
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
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
