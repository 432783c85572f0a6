package io.github.multiprocessing4j.internal.ring;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The other JVM of {@link RingAcrossProcessesTest}: writes messages 0, 1, ... of
 * {@link TestMessages} into a ring, then closes its end and exits 0. Exits 3 when its reader,
 * the test's JVM, is gone, so that it never outlives the test.
 */
public final class RingWriterProcess {

    private RingWriterProcess() {
    }

    /**
     * Writes the messages.
     *
     * @param args the ring's file, how many messages (-1: until killed), their largest length,
     *     and the pid of the reading process
     * @throws Exception when the ring cannot be written: the test sees a non-zero exit code
     */
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        long count = Long.parseLong(args[1]);
        TestMessages messages = new TestMessages(Integer.parseInt(args[2]));
        long readerPid = Long.parseLong(args[3]);
        RingWriter writer = MappedRing.open(file)
                .writer(() -> ProcessHandle.of(readerPid).map(ProcessHandle::isAlive).orElse(false));
        try {
            for (long i = 0; count < 0 || i < count; i++) {
                while (!messages.write(writer, i, Duration.ofSeconds(1))) {
                    // full for a second: write again, the reader's liveness is checked while waiting
                }
            }
        } catch (PeerGoneException e) {
            System.exit(3);
        }
        writer.close();
    }
}
