package io.github.multiprocessing4j.internal.launch;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The parent's class path as a list of real files, for a child that must load the same classes.
 * Jars that only list others in their manifest's {@code Class-Path} (build tools' "manifest-only"
 * jars) are expanded, so a launcher that mounts files into a container sees every entry.
 */
public final class ClassPath {

    private ClassPath() {
    }

    /**
     * This JVM's class path, with manifest-only jars expanded, followed by its module path: a
     * JPMS application ({@code java --module-path ... --module app/Main}) has its own code and the
     * library there, and a child runs the same jars and directories as a plain class path.
     *
     * @return the entries, never null
     */
    public static List<Path> ofThisJvm() {
        Set<Path> entries = new LinkedHashSet<>();
        for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                add(Path.of(entry).toAbsolutePath().normalize(), entries, 0);
            }
        }
        for (String entry : System.getProperty("jdk.module.path", "").split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                for (Path module : modules(Path.of(entry).toAbsolutePath().normalize())) {
                    add(module, entries, 0);
                }
            }
        }
        return new ArrayList<>(entries);
    }

    /**
     * What a module path entry holds, as class path entries: a jar or an exploded module is
     * itself; any other directory holds modules, its jars and exploded modules.
     */
    private static List<Path> modules(Path entry) {
        if (!Files.isDirectory(entry) || Files.isRegularFile(entry.resolve("module-info.class"))) {
            return List.of(entry);
        }
        try (Stream<Path> children = Files.list(entry)) {
            return children.filter(child -> child.toString().endsWith(".jar") || Files.isDirectory(child))
                    .sorted().collect(Collectors.toList());
        } catch (IOException e) {
            return List.of(entry);
        }
    }

    private static void add(Path entry, Set<Path> entries, int depth) {
        if (!entries.add(entry) || depth > 3 || !entry.toString().endsWith(".jar") || !Files.isRegularFile(entry)) {
            return;
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            Manifest manifest = jar.getManifest();
            String listed = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (listed == null) {
                return;
            }
            URI base = entry.toUri();
            for (String relative : listed.trim().split("\\s+")) {
                if (relative.isEmpty()) {
                    continue;
                }
                try {
                    URI resolved = base.resolve(new URI(null, null, relative, null));
                    if ("file".equals(resolved.getScheme())) {
                        Path path = Path.of(resolved).normalize();
                        if (Files.exists(path)) {
                            add(path, entries, depth + 1);
                        }
                    }
                } catch (URISyntaxException | IllegalArgumentException e) {
                    // an entry the JVM itself could not use either
                }
            }
        } catch (IOException e) {
            // not a readable jar: the child's JVM will say so if it matters
        }
    }
}
