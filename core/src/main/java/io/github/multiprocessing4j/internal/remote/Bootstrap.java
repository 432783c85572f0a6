package io.github.multiprocessing4j.internal.remote;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The few jars a child on the network needs before it can fetch the rest of its class path
 * (SPEC R2): core's, the SPI's and slf4j-api's, as files a launcher copies into the child
 * (through its standard input, for instance). Where one of them is a directory of classes (a
 * build's output), it is packed into a jar in the parent's private control directory once per
 * session.
 *
 * @param files the jar files to copy to the child, in class path order
 * @param sources the class path entries they come from, which the shipment leaves out
 */
public record Bootstrap(List<Path> files, Set<Path> sources) {

    /** A bootstrap jar larger than this is sliced: only the anchors' packages are copied. */
    static final long WHOLE_JAR_LIMIT = 4L * 1024 * 1024;

    private static Bootstrap made;

    /**
     * The bootstrap of this session.
     *
     * @param workDirectory a private directory where directories are packed into jars
     * @param anchors one class from each bootstrap entry
     * @return the bootstrap, never null
     * @throws IOException if an entry's location is unknown or cannot be packed
     */
    public static synchronized Bootstrap of(Path workDirectory, Class<?>... anchors) throws IOException {
        if (made != null && made.files().stream().allMatch(Files::isRegularFile)) {
            return made;
        }
        List<Path> files = new ArrayList<>();
        Set<Path> sources = new LinkedHashSet<>();
        Set<String> slices = new LinkedHashSet<>();
        for (Class<?> anchor : anchors) {
            Path source = locationOf(anchor);
            if (Files.isRegularFile(source) && Files.size(source) > WHOLE_JAR_LIMIT) {
                // a fat jar (the application shaded with its dependencies): copying it whole would
                // cost every child tens of megabytes on its launcher's slow path; the bootstrap
                // takes only the anchor's packages from it, and the jar itself ships over the channel
                String prefix = packagePrefix(anchor);
                if (slices.add(source + "!" + prefix)) {
                    files.add(write(workDirectory, slice(source, prefix)));
                }
                // the application's own classes may share the prefix (io/github/multiprocessing4j/
                // examples/...): the slice keeps only what the anchor's library holds
            } else if (sources.add(source)) {
                files.add(Files.isDirectory(source) ? write(workDirectory, CodeShipment.jarOf(source)) : source);
            }
        }
        made = new Bootstrap(List.copyOf(files), Set.copyOf(sources));
        return made;
    }

    private static Path write(Path workDirectory, byte[] jar) throws IOException {
        Path packed = workDirectory.resolve("bootstrap-" + HexFormat.of().formatHex(CodeShipment.sha256(jar), 0, 8) + ".jar");
        Files.write(packed, jar);
        return packed;
    }

    /** The first three levels of the anchor's package (two if it has no more), as a jar entry prefix. */
    static String packagePrefix(Class<?> anchor) {
        String[] parts = anchor.getPackageName().split("\\.");
        return parts.length >= 3 ? parts[0] + "/" + parts[1] + "/" + parts[2] + "/" : parts[0] + "/" + parts[1] + "/";
    }

    /**
     * Whether a jar entry under {@code prefix} belongs to the bootstrap: under multiprocessing4j's
     * prefix, only core's API (classes directly in the package), its internals and the SPI; the
     * launchers and the application's classes there ship with the jar instead.
     */
    static boolean inSlice(String name, String prefix) {
        if (!name.startsWith(prefix)) {
            return false;
        }
        if (!prefix.equals("io/github/multiprocessing4j/")) {
            return true;
        }
        String rest = name.substring(prefix.length());
        return rest.indexOf('/') < 0 || rest.startsWith("internal/") || rest.startsWith("spi/");
    }

    /**
     * A jar of the entries under {@code prefix}. Service files stay out: in a fat jar they name
     * providers of other packages (a logging backend), which the shipped jar, loaded next, has.
     */
    static byte[] slice(Path jar, String prefix) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile());
             java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(bytes)) {
            List<? extends java.util.zip.ZipEntry> entries = zip.stream()
                    .filter(e -> !e.isDirectory() && inSlice(e.getName(), prefix))
                    .sorted(java.util.Comparator.comparing(java.util.zip.ZipEntry::getName)).toList();
            for (java.util.zip.ZipEntry entry : entries) {
                java.util.zip.ZipEntry copy = new java.util.zip.ZipEntry(entry.getName());
                copy.setTime(0);
                out.putNextEntry(copy);
                try (java.io.InputStream in = zip.getInputStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static Path locationOf(Class<?> anchor) throws IOException {
        CodeSource source = anchor.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IOException("cannot tell where " + anchor.getName() + " was loaded from, so it cannot be copied"
                    + " to a child on the network: put it on the class path as a jar or use an image that contains"
                    + " the application (launcher option 'code' = 'image')");
        }
        try {
            return Path.of(source.getLocation().toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IOException("cannot copy " + source.getLocation() + " to a child on the network: " + e.getMessage(),
                    e);
        }
    }
}
