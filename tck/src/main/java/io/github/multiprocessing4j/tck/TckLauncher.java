package io.github.multiprocessing4j.tck;

import io.github.multiprocessing4j.ChildProcess;
import io.github.multiprocessing4j.SerializableRunnable;
import java.io.Serial;
import java.io.Serializable;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The launcher a launcher module's tests run the suites against.
 *
 * <p>It is serializable so that a target can carry it into a child, which then starts its own
 * children with {@link #nested()}.
 *
 * @param name the launcher's name, as {@code ChildProcess.Builder.launcher(String)} takes it
 * @param capabilities what the launcher declares it can do (SPEC S3); never branch on the name
 * @param options launcher options passed with {@code ChildProcess.Builder.launcherOption} to
 *     every process the suites create
 * @param unusableOptions launcher options that make this launcher present but unusable (SPEC S2),
 *     for example a {@code java} executable that does not exist; empty if there are none, in
 *     which case the S2 check against this launcher is skipped
 * @param nestedLauncher the name of the launcher with which a child of this launcher starts its
 *     own children (SPEC L15, L18): this launcher's own name where a child can use it (a local
 *     JVM starts local JVMs), another where it cannot (a JVM in a container, which has no engine
 *     to start containers with, starts its children next to it with {@code local})
 * @serial exclude carried into the tck's own children only, between JVMs of one build
 */
public record TckLauncher(String name, Set<Capability> capabilities, Map<String, String> options,
                          Map<String, String> unusableOptions, String nestedLauncher) implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** System property that carries {@link #name()} into scenario JVMs. */
    static final String NAME_PROPERTY = "multiprocessing4j.tck.launcher";
    /** Prefix of the system properties that carry {@link #options()} into scenario JVMs. */
    static final String OPTION_PROPERTY_PREFIX = "multiprocessing4j.tck.option.";
    /** System property that carries {@link #nestedLauncher()} into scenario JVMs. */
    static final String NESTED_PROPERTY = "multiprocessing4j.tck.nested-launcher";
    /** System property that carries {@link #capabilities()} into scenario JVMs, comma separated. */
    static final String CAPABILITIES_PROPERTY = "multiprocessing4j.tck.capabilities";

    /**
     * Validates and copies the components.
     *
     * @param name the launcher's name
     * @param capabilities what the launcher declares it can do
     * @param options launcher options passed to every process the suites create
     * @param unusableOptions launcher options that make this launcher present but unusable
     * @param nestedLauncher the launcher with which a child of this launcher starts its own children
     * @throws NullPointerException if a component is null
     */
    public TckLauncher {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(nestedLauncher, "nestedLauncher");
        capabilities = Set.copyOf(capabilities);
        options = Map.copyOf(options);
        unusableOptions = Map.copyOf(unusableOptions);
    }

    /**
     * A launcher whose children start their own children with the same launcher.
     *
     * @param name the launcher's name
     * @param capabilities its capabilities
     * @param options the launcher options for every process
     * @param unusableOptions the options that make it unusable
     */
    public TckLauncher(String name, Set<Capability> capabilities, Map<String, String> options,
                       Map<String, String> unusableOptions) {
        this(name, capabilities, options, unusableOptions, name);
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
     * The launcher with which a child of this launcher starts its own children: this launcher
     * if {@link #nestedLauncher()} is its own name, else that launcher without options (this
     * launcher's options are meant for this launcher) and without capabilities.
     *
     * @return the launcher for grandchildren
     */
    public TckLauncher nested() {
        if (nestedLauncher.equals(name)) {
            return this;
        }
        return new TckLauncher(nestedLauncher, Set.of(), Map.of(), Map.of(), nestedLauncher);
    }

    /**
     * The system properties that describe this launcher to a scenario JVM, where
     * {@link #fromSystemProperties()} reads them back: its name, nested launcher, capabilities
     * and options.
     *
     * @return the properties by name
     */
    public Map<String, String> systemProperties() {
        Map<String, String> properties = new TreeMap<>();
        properties.put(NAME_PROPERTY, name);
        properties.put(NESTED_PROPERTY, nestedLauncher);
        properties.put(CAPABILITIES_PROPERTY, capabilities.stream().map(Capability::name).sorted()
                .collect(Collectors.joining(",")));
        options.forEach((key, value) -> properties.put(OPTION_PROPERTY_PREFIX + key, value));
        return properties;
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
     * {@link Scenario} and {@code TckSuite.scenario(..)} set ({@link #systemProperties()}).
     *
     * @return the launcher, without unusable options; its nested launcher is its own name and its
     *     capabilities are empty where the properties do not say otherwise
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
        Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
        Arrays.stream(System.getProperty(CAPABILITIES_PROPERTY, "").split(","))
                .map(String::trim)
                .filter(capability -> !capability.isEmpty())
                .forEach(capability -> capabilities.add(Capability.valueOf(capability)));
        return new TckLauncher(name, capabilities, options, Map.of(), System.getProperty(NESTED_PROPERTY, name));
    }
}
