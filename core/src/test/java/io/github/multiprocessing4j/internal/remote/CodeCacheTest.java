package io.github.multiprocessing4j.internal.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.URLClassLoader;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Code shipping's exchange (SPEC R2) between {@link CodeShipment} and {@link CodeCache} over a
 * socket: what a child asks for, what its cache then holds, and which cached files it hashes.
 */
class CodeCacheTest {

    @TempDir
    Path dir;
    private Path jar;
    private Path cache;
    private String classPath;

    @BeforeEach
    void jarAndCache() throws IOException {
        byte[] content = new byte[1 << 20];
        new Random(7).nextBytes(content);
        jar = Files.write(dir.resolve("app.jar"), content);
        cache = dir.resolve("cache");
        classPath = System.getProperty("java.class.path");
    }

    @AfterEach
    void restoreClassPath() {
        // CodeCache.receive appends the shipped files to this JVM's java.class.path, as a child's own children need
        System.setProperty("java.class.path", classPath);
    }

    @Test
    void aFileAChildOfTheSameParentCheckedIsUsedUnreadUntilItChanges() throws Exception {
        CodeShipment shipment = CodeShipment.of(List.of(jar), Set.of());
        Path cached = exchange(shipment);
        assertArrayEquals(Files.readAllBytes(jar), Files.readAllBytes(cached), "the first child received the jar");

        // the child that wrote it leaves it unstamped: the next hashes it, and stamps it once it is a second old
        awaitSettled(cached);
        assertEquals(Files.size(jar), hashedDuring(() -> exchange(shipment)));
        assertEquals(0, hashedDuring(() -> exchange(shipment)), "a stamped, unchanged file is not read");

        // written in place, same size: its change time moves, the stamp no longer fits, it is hashed and sent again
        byte[] forged = Files.readAllBytes(jar);
        forged[forged.length / 2] ^= 1;
        Files.write(cached, forged);
        assertEquals(Files.size(jar), hashedDuring(() -> exchange(shipment)));
        assertArrayEquals(Files.readAllBytes(jar), Files.readAllBytes(cached), "the changed file was replaced");
    }

    @Test
    void aStampThatIsNotThisParentsIsIgnored() throws Exception {
        CodeShipment shipment = CodeShipment.of(List.of(jar), Set.of());
        Path cached = exchange(shipment);
        awaitSettled(cached);
        exchange(shipment);
        Path stamp = cached.resolveSibling(CheckedFiles.STAMPS).resolve(cached.getFileName());
        assertTrue(Files.isRegularFile(stamp), "the second child stamped the file");
        // another parent's stamp (another key), or a forged one: the file is hashed, then stamped again
        Files.write(stamp, new byte[Files.readAllBytes(stamp).length]);
        assertEquals(Files.size(jar), hashedDuring(() -> exchange(shipment)));
        assertEquals(0, hashedDuring(() -> exchange(shipment)));
    }

    @Test
    void aFileReplacedByAnotherWithTheSameTimesIsHashedAgain() throws Exception {
        CodeShipment shipment = CodeShipment.of(List.of(jar), Set.of());
        Path cached = exchange(shipment);
        awaitSettled(cached);
        exchange(shipment);
        // the same content under a new inode, with the old modification time: not the file that was stamped
        FileTime modified = Files.getLastModifiedTime(cached);
        Path copy = Files.copy(cached, dir.resolve("copy"));
        Files.setLastModifiedTime(copy, modified);
        Files.move(copy, cached, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertEquals(Files.size(jar), hashedDuring(() -> exchange(shipment)));
    }

    @Test
    void aManifestWithoutItsKeyIsRefused() throws Exception {
        Path socket = dir.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            try (SocketChannel parent = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                    SocketChannel child = server.accept()) {
                io.github.multiprocessing4j.internal.channel.Frames.write(parent,
                        io.github.multiprocessing4j.internal.channel.Frames.MANIFEST, new byte[5]);
                IOException e = assertThrows(IOException.class, () -> CodeCache.receive(child, cache));
                assertTrue(e.getMessage().contains("key"), e.getMessage());
            }
        }
    }

    private interface Exchange {
        void run() throws Exception;
    }

    private static long hashedDuring(Exchange exchange) throws Exception {
        long before = CheckedFiles.hashedBytes();
        exchange.run();
        return CheckedFiles.hashedBytes() - before;
    }

    /** One child's start: the parent ships over a socket, the child receives into the cache. */
    private Path exchange(CodeShipment shipment) throws Exception {
        Path socket = dir.resolve("exchange.sock");
        Files.deleteIfExists(socket);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            try (SocketChannel parent = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                    SocketChannel child = server.accept()) {
                CompletableFuture<Void> shipped = CompletableFuture.runAsync(() -> {
                    try {
                        shipment.ship(parent);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
                ClassLoader loader = CodeCache.receive(child, cache);
                shipped.get(30, TimeUnit.SECONDS);
                ((URLClassLoader) loader).close();
            }
        } finally {
            Files.deleteIfExists(socket);
        }
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(f -> f.getFileName().toString().endsWith("-app.jar")).findFirst().orElseThrow();
        }
    }

    /** Waits, by the clock, until the file's last change is older than a stamp requires. */
    private static void awaitSettled(Path file) throws Exception {
        FileTime changed = (FileTime) Files.getAttribute(file, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
        long wait = changed.toMillis() + CheckedFiles.SETTLED_MILLIS + 50 - System.currentTimeMillis();
        if (wait > 0) {
            TimeUnit.MILLISECONDS.sleep(wait);
        }
    }
}
