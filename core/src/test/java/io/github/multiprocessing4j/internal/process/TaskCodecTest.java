package io.github.multiprocessing4j.internal.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.multiprocessing4j.SerializableRunnable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * TaskCodec: the child decodes what its parent sent, and fails with an IOException (never
 * NegativeArraySizeException, OutOfMemoryError or another exception of its own) when the bytes
 * are not a whole task (found by the reliability suite's decoder fuzzer).
 */
class TaskCodecTest {

    private static final ProcessDescription PARENT = new ProcessDescription("MainProcess", 1, false, List.of(7));

    @Test
    void aTaskSurvivesTheRoundTrip() throws Exception {
        Body process = new Body("decoded", () -> { });
        TaskCodec.Task task = TaskCodec.decode(TaskCodec.encode(TaskCodec.serializeProcess(process), 42, PARENT, true));
        assertEquals("decoded", task.process().name());
        assertEquals(42, task.pid());
        assertEquals(PARENT.name(), task.parent().name());
        assertEquals(List.of(7), task.parent().identity());
        assertEquals(true, task.dieWithParent());
    }

    @Test
    void aNegativeProcessLengthFailsWithAnIOException() {
        byte[] process = TaskCodec.serializeProcess(new Body("task", () -> { }));
        byte[] task = TaskCodec.encode(process, 42, PARENT, false);
        ByteBuffer.wrap(task).putInt(task.length - process.length - 4, -1);
        assertThrows(IOException.class, () -> TaskCodec.decode(task));
    }

    @Test
    void aTaskAnnouncingAHugeIdentityFailsWithAnIOException() {
        byte[] task = TaskCodec.encode(TaskCodec.serializeProcess(new Body("task", () -> { })),
                42, PARENT, false);
        // pid (8), dieWithParent (1), name (2 + 11), parent pid (8), daemon (1): then the identity's size
        ByteBuffer.wrap(task).putInt(8 + 1 + 2 + PARENT.name().length() + 8 + 1, Integer.MAX_VALUE);
        assertThrows(IOException.class, () -> TaskCodec.decode(task));
    }

    @Test
    void truncatedAndMutatedTasksFailOnlyAsTheContractSays() {
        byte[] task = TaskCodec.encode(TaskCodec.serializeProcess(new Body("task", () -> { })),
                42, PARENT, false);
        for (int length = 0; length < task.length; length += 7) {
            byte[] truncated = Arrays.copyOf(task, length);
            assertThrows(IOException.class, () -> TaskCodec.decode(truncated), "length " + length);
        }
        Random random = new Random(6);
        for (int i = 0; i < 2000; i++) {
            byte[] mutated = task.clone();
            mutated[random.nextInt(mutated.length)] = (byte) random.nextInt();
            try {
                TaskCodec.decode(mutated);
            } catch (IOException | ClassNotFoundException expected) {
                // the only ways a task that cannot be read may fail
            }
        }
    }

    /** A process body as the public API makes one: a name and a serializable target. */
    private record Body(String name, SerializableRunnable target) implements ProcessBody {

        @Override
        public boolean isDaemon() {
            return false;
        }

        @Override
        public List<Integer> identity() {
            return List.of(1);
        }

        @Override
        public void run() throws Exception {
            target.run();
        }

        @Override
        public boolean represents(Object processObject) {
            return processObject == this;
        }

        @Override
        public Object processObject() {
            return this;
        }
    }
}
