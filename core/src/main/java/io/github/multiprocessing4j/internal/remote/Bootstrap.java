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
        for (Class<?> anchor : anchors) {
            Path source = locationOf(anchor);
            if (!sources.add(source)) {
                continue;
            }
            if (Files.isDirectory(source)) {
                byte[] jar = CodeShipment.jarOf(source);
                Path packed = workDirectory.resolve("bootstrap-"
                        + HexFormat.of().formatHex(CodeShipment.sha256(jar), 0, 8) + ".jar");
                Files.write(packed, jar);
                files.add(packed);
            } else {
                files.add(source);
            }
        }
        made = new Bootstrap(List.copyOf(files), Set.copyOf(sources));
        return made;
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
