package io.github.multiprocessing4j.internal.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Which files of a code cache a child of the same parent has already checked (SPEC R2), so that
 * the next child does not hash them again: with a fat jar of 40 MB, reading and hashing it took a
 * pod's fresh JVM 0.3 to 0.6 s at every start.
 *
 * <p>A cache may be shared by the pods of a node, so what it holds is never trusted as such.
 * After a child has found a file's SHA-256 to be the one the parent named, it writes beside it a
 * stamp: an HMAC-SHA256, under a key the parent sends each of its children over the authenticated
 * channel, of the hash and of the file's identity and change time as the kernel keeps them
 * (device, inode, size, modification and change times). A later child of the same parent uses
 * the file unread if the stamp matches the file as it is now. Writing the file's content changes
 * its change time, which no unprivileged process can set back, and replacing the file changes its
 * inode: either makes the stamp fail, and the file is hashed again. A file is stamped only once
 * its last change is a second old, so that a write within the same tick of the file system's
 * clock cannot hide behind a stamp (the child that wrote a file leaves it to the next to stamp). A stamp cannot be made
 * without the key, which only this parent's children get. Where the file system has no such
 * attributes (no {@code unix} view), every file is hashed, as before.
 */
final class CheckedFiles {

    /** The bytes of the key a parent sends its children. */
    static final int KEY_BYTES = 32;
    /** The subdirectory of the cache that holds the stamps. */
    static final String STAMPS = "checked";
    private static final byte[] CONTEXT = "multiprocessing4j code cache stamp v1".getBytes(StandardCharsets.US_ASCII);
    private static final int BUFFER_BYTES = 64 * 1024;
    /**
     * How long ago a file must have changed for its stamp to be written: well beyond the
     * granularity of a file system's change times (a kernel tick, 1 to 10 ms).
     */
    static final long SETTLED_MILLIS = 1000;
    /** Bytes this JVM hashed to check cached files: what the stamps spare, for tests. */
    private static final AtomicLong HASHED = new AtomicLong();

    private CheckedFiles() {
    }

    /**
     * Whether a cached file is the one the parent named: by its stamp, else by hashing it (and
     * then stamping it).
     *
     * @param file the cached file
     * @param hash its SHA-256, as the parent named it
     * @param size its size, as the parent named it
     * @param key the parent's key
     * @return true if the file can be used as it is
     * @throws IOException if the file exists but cannot be read
     */
    static boolean matches(Path file, byte[] hash, long size, byte[] key) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) != size) {
            return false;
        }
        Stamp before = stamp(file, hash, key);
        Path stampFile = stampOf(file);
        if (before != null) {
            try {
                if (Files.size(stampFile) == before.mac().length
                        && MessageDigest.isEqual(before.mac(), Files.readAllBytes(stampFile))) {
                    return true;
                }
            } catch (IOException e) {
                // no stamp, or one that cannot be read: the file is hashed
            }
        }
        long hashingFrom = System.currentTimeMillis();
        if (!MessageDigest.isEqual(hash, sha256(file))) {
            return false;
        }
        // stamped only if it did not change while it was hashed, and its last change is older
        // than the file system's clock granularity: a write in the same tick as the change the
        // stamp records would leave the change time as it was
        Stamp after = before == null ? null : stamp(file, hash, key);
        if (after != null && MessageDigest.isEqual(before.mac(), after.mac())
                && after.changedMillis() < hashingFrom - SETTLED_MILLIS) {
            write(stampFile, after.mac());
        }
        return true;
    }

    /**
     * The SHA-256 of a file, read in pieces: a fat jar is never held whole in the heap.
     *
     * @param file the file
     * @return its hash
     * @throws IOException if it cannot be read
     */
    static byte[] sha256(Path file) throws IOException {
        MessageDigest digest = digest();
        byte[] buffer = new byte[BUFFER_BYTES];
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            int read;
            while ((read = in.read(buffer)) > 0) {
                digest.update(buffer, 0, read);
                HASHED.addAndGet(read);
            }
        }
        return digest.digest();
    }

    /** Bytes hashed so far in this JVM to check cached files. */
    static long hashedBytes() {
        return HASHED.get();
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static Path stampOf(Path file) {
        return file.resolveSibling(STAMPS).resolve(file.getFileName());
    }

    /** A stamp, and the change time of the file it was made of. */
    private record Stamp(byte[] mac, long changedMillis) {
    }

    /** The stamp of the file as it is now, or null where its identity and change time are not known. */
    private static Stamp stamp(Path file, byte[] hash, byte[] key) throws IOException {
        Map<String, Object> attributes;
        try {
            attributes = Files.readAttributes(file, "unix:dev,ino,size,lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
        FileTime changed = (FileTime) attributes.get("ctime");
        ByteBuffer identity = ByteBuffer.allocate(5 * Long.BYTES);
        identity.putLong(((Number) attributes.get("dev")).longValue());
        identity.putLong(((Number) attributes.get("ino")).longValue());
        identity.putLong(((Number) attributes.get("size")).longValue());
        identity.putLong(((FileTime) attributes.get("lastModifiedTime")).to(TimeUnit.NANOSECONDS));
        identity.putLong(changed.to(TimeUnit.NANOSECONDS));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(CONTEXT);
            mac.update(hash);
            return new Stamp(mac.doFinal(identity.array()), changed.toMillis());
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    }

    /**
     * Written beside, then moved: a reader sees a whole stamp or none. A stamp that cannot be
     * written (a read-only cache, say) only costs the next child a hashing.
     */
    private static void write(Path stampFile, byte[] stamp) {
        try {
            Files.createDirectories(stampFile.getParent());
            Path partial = Files.createTempFile(stampFile.getParent(), "partial-", ".tmp");
            try {
                Files.write(partial, stamp);
                Files.move(partial, stampFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (IOException | UncheckedIOException e) {
            // a stamp only spares the next child's hashing: without it, that child hashes
        }
    }
}
