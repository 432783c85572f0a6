package io.github.multiprocessing4j.tck;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.SerializableRunnable;
import java.io.Serial;
import java.io.Serializable;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The launcher a launcher module's tests run the suites against.
 *
 * <p>It is serializable so that a target can carry it into a child, which then starts its own
 * children with the same launcher.
 *
 * @param name the launcher's name, as {@code ChildProcess.Builder.launcher(String)} takes it
 * @param capabilities what the launcher declares it can do (SPEC S3); never branch on the name
 * @param options launcher options passed with {@code ChildProcess.Builder.launcherOption} to
 *     every process the suites create
 * @param unusableOptions launcher options that make this launcher present but unusable (SPEC S2),
 *     for example a {@code java} executable that does not exist; empty if there are none, in
 *     which case the S2 check against this launcher is skipped
 */
public record TckLauncher(String name, Set<Capability> capabilities, Map<String, String> options,
                          Map<String, String> unusableOptions) implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** System property that carries {@link #name()} into scenario JVMs. */
    static final String NAME_PROPERTY = "multiprocessing4j.tck.launcher";
    /** Prefix of the system properties that carry {@link #options()} into scenario JVMs. */
    static final String OPTION_PROPERTY_PREFIX = "multiprocessing4j.tck.option.";

    /**
     * Validates and copies the components.
     */
    public TckLauncher {
        Objects.requireNonNull(name, "name");
        capabilities = Set.copyOf(capabilities);
        options = Map.copyOf(options);
        unusableOptions = Map.copyOf(unusableOptions);
    }

    /**
     * A launcher without options.
     *
     * @param name the launcher's name
     * @param capabilities its capabilities
     * @return the launcher description
     */
    public static TckLauncher of(String name, Set<Capability> capabilities) {
        return new TckLauncher(name, capabilities, Map.of(), Map.of());
    }

    /**
     * Whether the launcher declares the capability.
     *
     * @param capability the capability
     * @return true if declared
     */
    public boolean has(Capability capability) {
        return capabilities.contains(capability);
    }

    /**
     * A builder for a process with this launcher and its options.
     *
     * @param target what to run
     * @return the builder
     */
    public ChildProcess.Builder builder(SerializableRunnable target) {
        return withLauncher(ChildProcess.builder(target));
    }

    /**
     * A builder for a process that runs a main class, with this launcher and its options.
     *
     * @param mainClass the main class
     * @param args its arguments
     * @return the builder
     */
    public ChildProcess.Builder builderOfMain(Class<?> mainClass, String... args) {
        return withLauncher(ChildProcess.builderOfMain(mainClass, args));
    }

    /**
     * Applies this launcher's name and options to a builder.
     *
     * @param builder the builder
     * @return the same builder
     */
    public ChildProcess.Builder withLauncher(ChildProcess.Builder builder) {
        builder.launcher(name);
        options.forEach(builder::launcherOption);
        return builder;
    }

    /**
     * The launcher that a scenario JVM was started for, read from the system properties that
     * {@link Scenario} sets.
     *
     * @return the launcher, without capabilities
     * @throws IllegalStateException if this JVM is not a scenario JVM
     */
    public static TckLauncher fromSystemProperties() {
        String name = System.getProperty(NAME_PROPERTY);
        if (name == null) {
            throw new IllegalStateException("not a scenario JVM: the system property " + NAME_PROPERTY + " is not set");
        }
        Map<String, String> options = new TreeMap<>();
        System.getProperties().stringPropertyNames().stream()
                .filter(key -> key.startsWith(OPTION_PROPERTY_PREFIX))
                .forEach(key -> options.put(key.substring(OPTION_PROPERTY_PREFIX.length()), System.getProperty(key)));
        return new TckLauncher(name, Set.of(), options, Map.of());
    }
}
