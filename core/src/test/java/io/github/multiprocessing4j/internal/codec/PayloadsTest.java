package io.github.multiprocessing4j.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.internal.codec.Payloads;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Payloads: what a receiver does with bytes that are not a message (SPEC C3). Corrupted input
 * must fail with the documented IllegalStateException, never with an exception of
 * ObjectInputStream's own or by allocating what a corrupted length announces (found by the
 * reliability suite's decoder fuzzer).
 */
class PayloadsTest {

    @Test
    void aMessageSurvivesTheRoundTrip() {
        Object message = List.of("a", 1, new long[] {1, 2, 3});
        @SuppressWarnings("unchecked")
        List<Object> copy = (List<Object>) Payloads.deserialize(Payloads.serialize(message));
        assertEquals("a", copy.get(0));
        assertArrayEquals(new long[] {1, 2, 3}, (long[]) copy.get(2));
    }

    @Test
    void aMessageAnnouncingAHugeArrayIsRefusedBeforeAllocating() {
        // an Object[] has no compact form: its long[] goes through Java serialization's filter
        byte[] message = withLastInt(Payloads.serialize(new Object[] {new long[0]}), Integer.MAX_VALUE);
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> Payloads.deserialize(message));
        assertTrue(refused.getMessage().contains("refused"), refused.getMessage());
    }

    @Test
    void commonTypesTakeTheCompactFormAndOthersJavaSerialization() {
        byte[] compact = Payloads.serialize(List.of("a", 1));
        assertEquals(MessageCodec.VERSION, compact[0]);
        assertTrue(compact.length < 20, "no object stream for a list of a string and an int: " + compact.length);
        byte[] fallback = Payloads.serialize(new java.util.concurrent.atomic.AtomicInteger(7));
        assertEquals(7, ((java.util.concurrent.atomic.AtomicInteger) Payloads.deserialize(fallback)).get());
    }

    @Test
    void aLargeArrayThatTheMessageHoldsIsAccepted() {
        byte[] big = new byte[1 << 20];
        assertEquals(big.length, ((byte[]) Payloads.deserialize(Payloads.serialize(big))).length);
    }

    @Test
    void aNegativeArrayLengthFailsWithIllegalStateException() {
        byte[] message = withLastInt(Payloads.serialize(new Object[] {new long[0]}), -1);
        assertThrows(IllegalStateException.class, () -> Payloads.deserialize(message));
    }

    @Test
    void anElementOfTheWrongTypeFailsWithIllegalStateException() {
        // String[] {"x"} whose element is rewritten as a reference to the array's own class
        // descriptor: ObjectInputStream throws ArrayStoreException of its own
        byte[] message = Payloads.serialize(new String[] {"x"});
        int element = message.length - 4;   // TC_STRING, length (2), 'x'
        byte[] corrupted = java.util.Arrays.copyOf(message, message.length + 1);
        ByteBuffer.wrap(corrupted, element, 5).put((byte) 0x71).putInt(0x7e0000);   // TC_REFERENCE, handle 0
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> Payloads.deserialize(corrupted));
        assertEquals(ArrayStoreException.class, refused.getCause().getClass());
    }

    @Test
    void truncatedAndRandomBytesFailWithIllegalStateException() {
        byte[] message = Payloads.serialize(List.of("hello", 42));
        for (int length = 0; length < message.length; length++) {
            byte[] truncated = java.util.Arrays.copyOf(message, length);
            assertThrows(IllegalStateException.class, () -> Payloads.deserialize(truncated), "length " + length);
        }
        java.util.Random random = new java.util.Random(6);
        for (int i = 0; i < 2000; i++) {
            byte[] mutated = message.clone();
            mutated[random.nextInt(mutated.length)] = (byte) random.nextInt();
            try {
                Payloads.deserialize(mutated);
            } catch (IllegalStateException expected) {
                // the only way bad bytes may fail
            }
        }
    }

    private static byte[] withLastInt(byte[] bytes, int value) {
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, value);
        return bytes;
    }
}
