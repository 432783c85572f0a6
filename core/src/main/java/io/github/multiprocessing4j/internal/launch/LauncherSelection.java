package io.github.multiprocessing4j.internal.launch;

import io.github.multiprocessing4j.LauncherNotFoundException;
import io.github.multiprocessing4j.spi.Availability;
import io.github.multiprocessing4j.spi.LauncherProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which launcher a process uses (SPEC S1), as a pure function of the names given and the
 * providers found: the first name given wins (API, then system property, then environment
 * variable); with no name, the available provider of highest priority (ties by name, so the
 * class path's order never decides).
 */
public final class LauncherSelection {

    /** The artifact that provides the embedded default launcher. */
    static final String DEFAULT_ARTIFACT = "io.github.multiprocessing4j:multiprocessing4j-launcher-local";

    private LauncherSelection() {
    }

    /** Highest priority first, then by name. */
    static final Comparator<LauncherProvider> ORDER = Comparator.comparingInt(LauncherProvider::priority).reversed()
            .thenComparing(LauncherProvider::name);

    /**
     * Selects a launcher.
     *
     * @param apiName the name given through the API, or null
     * @param propertyName the value of the system property {@code multiprocessing4j.launcher}, or null
     * @param environmentName the value of {@code MULTIPROCESSING4J_LAUNCHER}, or null
     * @param providers the providers found
     * @return the chosen provider, never null; an explicitly named one may be unavailable
     *     (its availability is reported at {@code start()}, SPEC S2)
     * @throws LauncherNotFoundException if a name matches nothing, if there is no provider, or
     *     if no name is given and no provider is available
     */
    public static LauncherProvider select(String apiName, String propertyName, String environmentName,
                                          List<LauncherProvider> providers) {
        if (providers.isEmpty()) {
            throw new LauncherNotFoundException("No multiprocessing4j launcher is on the class path: add "
                    + DEFAULT_ARTIFACT + " (the embedded default, children as JVMs on this host) or another launcher.");
        }
        String[] names = {apiName, propertyName, environmentName};
        String[] sources = {"the API", "system property " + Launchers.PROPERTY, "environment variable " + Launchers.ENVIRONMENT};
        for (int i = 0; i < names.length; i++) {
            if (names[i] != null && !names[i].isBlank()) {
                String name = names[i].trim();
                return find(name, providers).orElseThrow(() -> unknown(name, sourceOf(name, names, sources), providers));
            }
        }
        List<LauncherProvider> ordered = new ArrayList<>(providers);
        ordered.sort(ORDER);
        List<String> reasons = new ArrayList<>();
        for (LauncherProvider provider : ordered) {
            Availability availability = availabilityOf(provider);
            if (availability.isAvailable()) {
                return provider;
            }
            reasons.add(provider.name() + ": " + availability.reason());
        }
        throw new LauncherNotFoundException("No multiprocessing4j launcher is available here ("
                + String.join("; ", reasons) + "). Fix one of them, or add " + DEFAULT_ARTIFACT + ".");
    }

    /**
     * Asks a provider whether it can be used; a provider whose check throws is unavailable, for
     * the reason it threw, and selection goes on with the others.
     *
     * @param provider the provider
     * @return its availability, never null
     */
    static Availability availabilityOf(LauncherProvider provider) {
        try {
            Availability availability = provider.availability();
            return availability != null ? availability
                    : Availability.unavailable("its availability check returned null");
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("its availability check failed: " + e);
        }
    }

    /**
     * Finds a provider by name.
     *
     * @param name the name
     * @param providers the providers
     * @return the provider of that name, if any
     */
    static Optional<LauncherProvider> find(String name, List<LauncherProvider> providers) {
        return providers.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    static LauncherNotFoundException unknown(String name, String source, List<LauncherProvider> providers) {
        String found = providers.isEmpty() ? "none"
                : providers.stream().sorted(ORDER).map(p -> p.name() + " (" + p.getClass().getName() + ")")
                        .collect(Collectors.joining(", "));
        return new LauncherNotFoundException("No launcher named '" + name + "' (from " + source + "). Launchers found: "
                + found + ". Fix or remove the name, or add the launcher's artifact (for example "
                + "io.github.multiprocessing4j:multiprocessing4j-launcher-" + name + ") to the class path.");
    }

    private static String sourceOf(String name, String[] names, String[] sources) {
        for (int i = 0; i < names.length; i++) {
            if (names[i] != null && names[i].trim().equals(name)) {
                return sources[i];
            }
        }
        return "the API";
    }
}
