package io.github.multiprocessing4j.internal.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A child's class path from the parent's class path and module path. */
class ClassPathTest {

    @TempDir
    Path tmp;

    private Path jar(String name, String classPath, int signedEntries) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (classPath != null) {
            manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, classPath);
        }
        for (int i = 0; i < signedEntries; i++) {
            // what a signed jar's manifest holds after its main section: one digest per file
            Attributes digest = new Attributes();
            digest.putValue("SHA-256-Digest", "x" + i);
            manifest.getEntries().put("org/example/C" + i + ".class", digest);
        }
        Path jar = tmp.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar)) {
            new JarOutputStream(out, manifest).close(); // a manifest alone
        }
        return jar;
    }

    @Test
    void aManifestOnlyJarIsExpandedIntoWhatItListsAndASignedJarIsKeptAsItIs() throws IOException {
        Path a = jar("a.jar", null, 0);
        Path b = Files.createDirectories(tmp.resolve("dir with space"));
        Path signed = jar("signed.jar", null, 2_000);
        Path listing = jar("booter.jar", "a.jar dir%20with%20space/ missing.jar", 0);
        assertEquals(List.of(listing, a, b, signed), ClassPath.of(listing + ":" + signed, ""),
                "the listing jar, what it lists that exists, then the next entry");
    }

    @Test
    void aModulePathBecomesClassPathEntriesAndADirectoryOfModulesItsJars() throws IOException {
        Path app = jar("app.jar", null, 0);
        Path mods = Files.createDirectories(tmp.resolve("mods"));
        Path lib = Files.move(jar("lib.jar", null, 0), mods.resolve("lib.jar"));
        Path exploded = Files.createDirectories(mods.resolve("exploded"));
        Files.createFile(exploded.resolve("module-info.class"));
        assertEquals(List.of(app, exploded, lib), ClassPath.of("", app + ":" + mods),
                "a jar is itself; a directory of modules gives its jars and exploded modules, sorted");
    }
}
