package io.github.multiprocessing4j.internal.remote;

import io.github.multiprocessing4j.internal.channel.Frames;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The parent's side of code shipping (SPEC R2): the class path of a child that does not share
 * the parent's file system, as files named by the SHA-256 of their content. Jars travel as they
 * are; a directory travels as a jar made of it (entries sorted, times fixed, so the same
 * directory gives the same hash). The child asks only for the hashes its cache lacks, over the
 * authenticated channel.
 *
 * <p>Files are read once per session and kept while their size and modification time stay the
 * same. An entry that cannot be shipped (unreadable, or larger than a frame may be) fails the
 * start with one message naming it; an entry that does not exist is left out, as the JVM
 * itself ignores it.
 */
public final class CodeShipment {

    /** The largest file that can be shipped: one frame, less its hash. */
    static final int MAX_FILE_BYTES = Frames.MAX_FROM_PARENT - 64;

    private static final Map<Path, Shipped> READ = new ConcurrentHashMap<>();

    private final List<Shipped> files;

    private CodeShipment(List<Shipped> files) {
        this.files = List.copyOf(files);
    }

    /** One file of the class path, as shipped. */
    record Shipped(String name, byte[] hash, byte[] content, long size, long modified) {
        String hex() {
            return HexFormat.of().formatHex(hash);
        }
    }

    /**
     * Reads the class path entries to ship.
     *
     * @param classPath the child's class path on the parent's host, in order
     * @param leaveOut entries the child already has (its bootstrap)
     * @return the shipment, never null
     * @throws IOException if an entry exists but cannot be read or is too large; the message
     *     names the entry and what to do
     */
    public static CodeShipment of(List<Path> classPath, Set<Path> leaveOut) throws IOException {
        Map<String, Shipped> byHash = new LinkedHashMap<>();
        for (Path entry : classPath) {
            Path absolute = entry.toAbsolutePath().normalize();
            if (leaveOut.contains(absolute) || !Files.exists(absolute)) {
                continue;
            }
            Shipped shipped = read(absolute);
            byHash.putIfAbsent(shipped.hex(), shipped);
        }
        return new CodeShipment(new ArrayList<>(byHash.values()));
    }

    /**
     * The number of files and bytes in the shipment.
     *
     * @return for logs: {@code "<n> files, <bytes> bytes"}
     */
    public String summary() {
        return files.size() + " files, " + files.stream().mapToLong(f -> f.content().length).sum() + " bytes";
    }

    /**
     * Runs the exchange on an authenticated channel: the manifest, the child's wants, the files.
     *
     * @param channel the channel, in blocking mode, before the task
     * @throws IOException if the channel fails or the child asks for a hash not in the manifest
     */
    public void ship(SocketChannel channel) throws IOException {
        ByteArrayOutputStream manifest = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(manifest)) {
            // the key of the stamps by which this parent's children trust what another checked
            out.write(StampKey.KEY);
            out.writeInt(files.size());
            for (Shipped file : files) {
                out.writeUTF(file.name());
                out.write(file.hash());
                out.writeLong(file.content().length);
            }
        }
        Frames.write(channel, Frames.MANIFEST, manifest.toByteArray());
        byte[] wants = Frames.expect(channel, Frames.WANT, 4 + 32 * (files.size() + 1));
        Map<String, Shipped> byHash = new HashMap<>();
        files.forEach(file -> byHash.put(file.hex(), file));
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(wants))) {
            int count = in.readInt();
            if (count < 0 || count > files.size()) {
                throw new IOException("the child wants " + count + " of " + files.size() + " files");
            }
            for (int i = 0; i < count; i++) {
                byte[] hash = in.readNBytes(32);
                Shipped file = byHash.get(HexFormat.of().formatHex(hash));
                if (file == null) {
                    throw new IOException("the child wants a file that is not in the manifest");
                }
                byte[] payload = new byte[32 + file.content().length];
                System.arraycopy(file.hash(), 0, payload, 0, 32);
                System.arraycopy(file.content(), 0, payload, 32, file.content().length);
                Frames.write(channel, Frames.FILE, payload);
            }
        }
    }

    private static Shipped read(Path entry) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class);
        long modified = attributes.lastModifiedTime().toMillis();
        Shipped known = READ.get(entry);
        if (known != null && known.modified() == modified && known.size() == attributes.size()) {
            return known;
        }
        byte[] content;
        String name;
        try {
            if (attributes.isDirectory()) {
                content = jarOf(entry);
                name = entry.getFileName() + ".jar";
            } else {
                if (attributes.size() > MAX_FILE_BYTES) {
                    throw new IOException("it is larger than " + MAX_FILE_BYTES + " bytes");
                }
                content = Files.readAllBytes(entry);
                name = String.valueOf(entry.getFileName());
            }
        } catch (IOException | UncheckedIOException e) {
            throw new IOException("the class path entry " + entry + " cannot be shipped to a child on the network ("
                    + (e instanceof UncheckedIOException u ? u.getCause() : e).getMessage() + "): make it readable,"
                    + " remove it from the class path, or use an image that contains the application (launcher"
                    + " option 'code' = 'image')", e);
        }
        if (content.length > MAX_FILE_BYTES) {
            throw new IOException("the class path entry " + entry + " cannot be shipped to a child on the network: it is"
                    + " larger than " + MAX_FILE_BYTES + " bytes; use an image that contains the application"
                    + " (launcher option 'code' = 'image')");
        }
        Shipped shipped = new Shipped(name.replaceAll("[^A-Za-z0-9._-]", "_"), sha256(content), content,
                attributes.size(), modified);
        READ.put(entry, shipped);
        return shipped;
    }

    /** A jar of a directory's files: sorted, with fixed times, so its hash depends on content only. */
    static byte[] jarOf(Path directory) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(directory)) {
            paths = walk.filter(Files::isRegularFile).sorted().toList();
        }
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Path path : paths) {
                String name = directory.relativize(path).toString().replace('\\', '/');
                ZipEntry entry = new ZipEntry(name);
                entry.setTime(0);
                zip.putNextEntry(entry);
                Files.copy(path, zip);
                zip.closeEntry();
                if (bytes.size() > MAX_FILE_BYTES) {
                    throw new IOException("its files make more than " + MAX_FILE_BYTES + " bytes");
                }
            }
        }
        return bytes.toByteArray();
    }

    static byte[] sha256(byte[] content) {
        return CheckedFiles.digest().digest(content);
    }

    /** This parent's key of the code cache's stamps ({@link CheckedFiles}), made at first use. */
    private static final class StampKey {
        static final byte[] KEY = new byte[CheckedFiles.KEY_BYTES];

        static {
            new SecureRandom().nextBytes(KEY);
        }
    }
}
