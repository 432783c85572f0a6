package io.github.multiprocessing4j.internal.launch;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to launch one process, beyond Python's arguments: the set of launchers to choose from, the
 * launcher's name (null: the default of SPEC S1), JVM options, class path (null: the parent's),
 * environment and launcher options.
 *
 * @param launchers the launchers to choose from; null means {@link Launchers#system()}
 * @param launcherName the launcher chosen through the API, or null
 * @param jvmOptions extra options for the child JVM
 * @param classPath the child's class path, or null for the parent's
 * @param environment extra environment variables
 * @param launcherOptions launcher-specific settings
 */
public record LaunchSettings(Launchers launchers, String launcherName, List<String> jvmOptions, List<Path> classPath,
                             Map<String, String> environment, Map<String, String> launcherOptions) {

    private static final LaunchSettings DEFAULTS = new LaunchSettings(null, null, List.of(), null, Map.of(), Map.of());

    /**
     * Copies the collections.
     */
    public LaunchSettings {
        jvmOptions = List.copyOf(jvmOptions);
        classPath = classPath == null ? null : List.copyOf(classPath);
        environment = Map.copyOf(environment);
        launcherOptions = Map.copyOf(launcherOptions);
    }

    /**
     * Whether these settings are the defaults, but for naming {@code launcher}: such a process
     * may take a warm standby JVM of that launcher, which the system's launchers start.
     *
     * @param launcher the launcher's name
     * @return true if nothing but the launcher's name was set
     */
    public boolean isDefaultFor(String launcher) {
        return (launchers == null || launchers == Launchers.system())
                && (launcherName == null || launcherName.equals(launcher)) && jvmOptions.isEmpty() && classPath == null
                && environment.isEmpty() && launcherOptions.isEmpty();
    }

    /**
     * The launchers to choose from. The system's are looked up only here, at {@code start()}:
     * a child that creates process objects but starts none never loads them.
     *
     * @return the launchers, never null
     */
    @Override
    public Launchers launchers() {
        return launchers == null ? Launchers.system() : launchers;
    }

    /**
     * The settings of a process built without a builder.
     *
     * @return the defaults, never null
     */
    public static LaunchSettings defaults() {
        return DEFAULTS;
    }
}
