package io.github.multiprocessing4j.internal.launch;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

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
        return of(System.getProperty("java.class.path", ""), System.getProperty("jdk.module.path", ""));
    }

    /**
     * A class path and a module path as one class path, with manifest-only jars expanded.
     *
     * @param classPath entries separated by {@link File#pathSeparator}
     * @param modulePath entries separated by {@link File#pathSeparator}
     * @return the entries, never null
     */
    static List<Path> of(String classPath, String modulePath) {
        Set<Path> entries = new LinkedHashSet<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                add(Path.of(entry).toAbsolutePath().normalize(), entries, 0);
            }
        }
        for (String entry : modulePath.split(File.pathSeparator)) {
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
        try (ZipFile jar = new ZipFile(entry.toFile())) {
            String listed = classPathAttribute(jar);
            if (listed == null) {
                return;
            }
            URI base = entry.toUri();
            for (String relative : listed.trim().split("\\s+")) {
                if (relative.isEmpty()) {
                    continue;
                }
                try {
                    // a relative URL, as the JVM reads it ("lib/a%20b.jar", or "file:/abs/c.jar");
                    // a raw path with characters a URL cannot hold, as a path
                    URI reference;
                    try {
                        reference = new URI(relative);
                    } catch (URISyntaxException notAUrl) {
                        reference = new URI(null, null, relative, null);
                    }
                    URI resolved = base.resolve(reference);
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

    /**
     * The {@code Class-Path} of a jar's manifest, read from its main section only: a signed jar's
     * manifest lists a digest of every file after it (BouncyCastle's: thousands of lines, 100 ms
     * and more to parse whole), and only the main section can say {@code Class-Path}.
     */
    private static String classPathAttribute(ZipFile jar) throws IOException {
        ZipEntry manifestEntry = jar.getEntry(JarFile.MANIFEST_NAME);
        if (manifestEntry == null) {
            return null;
        }
        ByteArrayOutputStream main = new ByteArrayOutputStream();
        try (InputStream in = new BufferedInputStream(jar.getInputStream(manifestEntry))) {
            int previous = -1;
            int b;
            boolean lineStart = true;
            while ((b = in.read()) != -1) {
                if (b == '\r') {
                    continue;
                }
                main.write(b);
                if (b == '\n' && (lineStart || previous == '\n')) {
                    break;
                }
                lineStart = false;
                previous = b;
            }
        }
        main.write('\n');
        return new Manifest(new ByteArrayInputStream(main.toByteArray())).getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
    }
}
