package io.github.multiprocessing4j.internal.memory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Creating and mapping the files of shared blocks. */
final class BlockFiles {

    private static final int FILL_CHUNK = 64 * 1024;

    private BlockFiles() {
    }

    /**
     * Creates a file with permissions 0600 and writes each of its {@code size} bytes (zero), so
     * that a full {@code /dev/shm} fails here with an {@link IOException} rather than killing a
     * process with SIGBUS when it first touches a page.
     *
     * @param file the new file
     * @return the open channel, for the caller to map and close
     * @throws IOException if the file cannot be created or filled (then nothing is left)
     */
    static FileChannel createFilled(Path file, long size) throws IOException {
        FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(FILL_CHUNK, size));
            long at = 0;
            while (at < size) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), size - at));
                at += channel.write(zeros, at);
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            java.nio.file.Files.deleteIfExists(file);
            throw e;
        }
    }

    /**
     * Maps a whole file read-write.
     *
     * @param channel the file, open for reading and writing
     * @param size its size
     * @return the mapping, which stays valid after the channel is closed
     * @throws IOException if it cannot be mapped
     */
    static MappedByteBuffer map(FileChannel channel, long size) throws IOException {
        return channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
    }
}
