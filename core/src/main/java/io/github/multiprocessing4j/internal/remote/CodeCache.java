package io.github.multiprocessing4j.internal.remote;

import io.github.multiprocessing4j.internal.channel.Frames;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The child's side of code shipping (SPEC R2): a cache of class path files named by their
 * SHA-256, in {@value #DIRECTORY_PROPERTY} (by default {@code <java.io.tmpdir>/multiprocessing4j-code},
 * which is pod-local; a launcher may name a directory its pods share), filled over the
 * authenticated channel with what it lacks (a cached file counts only if its content matches its
 * hash, or if a child of the same parent found it so and it has not changed since:
 * {@link CheckedFiles}), then a class
 * loader over the manifest's files in order that becomes the context class loader, through
 * which the task and every message are resolved.
 */
public final class CodeCache {

    /** The system property that names the cache directory. */
    public static final String DIRECTORY_PROPERTY = "multiprocessing4j.code.cache";
    /** How many files a manifest may name. */
    private static final int MAX_FILES = 100_000;

    private CodeCache() {
    }

    /**
     * Receives the manifest, asks for the missing files, stores them, and makes the loader.
     *
     * @param channel the authenticated channel, in blocking mode, before the task
     * @return the class loader of the shipped class path, child of the loader of this class
     * @throws IOException if the channel fails, a file's content does not match its hash, or the
     *     cache cannot be written
     */
    public static ClassLoader receive(SocketChannel channel) throws IOException {
        return receive(channel, Path.of(System.getProperty(DIRECTORY_PROPERTY,
                Path.of(System.getProperty("java.io.tmpdir"), "multiprocessing4j-code").toString())));
    }

    /**
     * {@link #receive(SocketChannel)} into a given cache directory.
     *
     * @param channel the authenticated channel, in blocking mode, before the task
     * @param cache the cache directory, created if missing
     * @return the class loader of the shipped class path
     * @throws IOException as {@link #receive(SocketChannel)}
     */
    static ClassLoader receive(SocketChannel channel, Path cache) throws IOException {
        byte[] manifest = Frames.expect(channel, Frames.MANIFEST, Frames.MAX_FROM_PARENT);
        Files.createDirectories(cache);
        List<Path> files = new ArrayList<>();
        List<byte[]> missing = new ArrayList<>();
        byte[] key;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(manifest))) {
            key = in.readNBytes(CheckedFiles.KEY_BYTES);
            if (key.length != CheckedFiles.KEY_BYTES) {
                throw new IOException("a manifest without its key");
            }
            int count = in.readInt();
            if (count < 0 || count > MAX_FILES) {
                throw new IOException("a manifest of " + count + " files");
            }
            for (int i = 0; i < count; i++) {
                String name = in.readUTF().replaceAll("[^A-Za-z0-9._-]", "_");
                byte[] hash = in.readNBytes(32);
                long size = in.readLong();
                Path file = cache.resolve(HexFormat.of().formatHex(hash) + "-" + name);
                files.add(file);
                // a cache may be shared with other pods of the node: what it holds is checked, not
                // trusted (by its hash, or by a stamp that a child of this parent left: CheckedFiles)
                if (!CheckedFiles.matches(file, hash, size, key)) {
                    missing.add(hash);
                }
            }
        }
        ByteArrayOutputStream wants = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(wants)) {
            out.writeInt(missing.size());
            for (byte[] hash : missing) {
                out.write(hash);
            }
        }
        Frames.write(channel, Frames.WANT, wants.toByteArray());
        for (int i = 0; i < missing.size(); i++) {
            byte[] payload = Frames.expect(channel, Frames.FILE, Frames.MAX_FROM_PARENT);
            byte[] hash = Arrays.copyOfRange(payload, 0, 32);
            byte[] content = Arrays.copyOfRange(payload, 32, payload.length);
            if (!Arrays.equals(hash, CodeShipment.sha256(content))) {
                throw new IOException("a shipped class path file does not match its hash");
            }
            String prefix = HexFormat.of().formatHex(hash) + "-";
            Path target = files.stream().filter(f -> f.getFileName().toString().startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new IOException("the parent sent a file that was not asked for"));
            // written beside, then moved: a child that dies mid-write leaves no torn file in a shared cache
            Path partial = Files.createTempFile(cache, "partial-", ".tmp");
            Files.write(partial, content);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        URL[] urls = new URL[files.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = files.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IOException("cannot use " + files.get(i) + " as a class path entry", e);
            }
        }
        // this child's own children (started with the local launcher in its pod) get the parent's
        // class path as this JVM's: the bootstrap jars, then the shipped files
        StringBuilder classPath = new StringBuilder(System.getProperty("java.class.path", ""));
        for (Path file : files) {
            classPath.append(classPath.length() == 0 ? "" : java.io.File.pathSeparator).append(file);
        }
        System.setProperty("java.class.path", classPath.toString());
        return new URLClassLoader("multiprocessing4j-shipped", urls, CodeCache.class.getClassLoader());
    }
}
