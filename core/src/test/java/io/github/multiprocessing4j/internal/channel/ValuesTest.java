package io.github.multiprocessing4j.internal.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.multiprocessing4j.internal.BackgroundCall;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Values: every type a shared object's call carries survives the round trip; anything else is
 * refused when written, and bytes that are not a whole value (truncated, an unknown type, a
 * length beyond the limit) fail with an IOException when read.
 */
@Timeout(BackgroundCall.TEST_SECONDS)
class ValuesTest {

    private static final int LIMIT = 1024;

    @Test
    void everySupportedValueSurvivesTheRoundTrip() throws IOException {
        List<Object> values = Arrays.asList(null, true, false, 0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE,
                0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, "", "plain", "héllo wörld, 中文, \uD83D\uDE00", "a\u0000b");
        for (Object value : values) {
            Object back = read(write(value), LIMIT);
            assertEquals(value, back, "value " + value);
            if (value != null) {
                assertEquals(value.getClass(), back.getClass(), "type of " + value);
            }
        }
    }

    @Test
    void byteArraysSurviveTheRoundTripWhateverTheirBytes() throws IOException {
        byte[] every = new byte[256];
        for (int i = 0; i < every.length; i++) {
            every[i] = (byte) i;
        }
        assertArrayEquals(every, (byte[]) read(write(every), LIMIT));
        assertArrayEquals(new byte[0], (byte[]) read(write(new byte[0]), LIMIT));
    }

    @Test
    void valuesWrittenOneAfterAnotherAreReadBackOneByOne() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            Values.write(out, 7L);
            Values.write(out, "id#1");
            Values.write(out, null);
            Values.write(out, new byte[] {1, 2});
            Values.write(out, 3);
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        assertEquals(7L, Values.read(in, LIMIT));
        assertEquals("id#1", Values.read(in, LIMIT));
        assertEquals(null, Values.read(in, LIMIT));
        assertArrayEquals(new byte[] {1, 2}, (byte[]) Values.read(in, LIMIT));
        assertEquals(3, Values.read(in, LIMIT));
        assertEquals(-1, in.read(), "each value consumed exactly its own bytes");
    }

    @Test
    void theWireFormatIsATypeByteThenBigEndianContent() throws IOException {
        assertArrayEquals(new byte[] {0}, write(null));
        assertArrayEquals(new byte[] {1, 1}, write(true));
        assertArrayEquals(new byte[] {2, 0x12, 0x34, 0x56, 0x78}, write(0x12345678));
        assertArrayEquals(new byte[] {3, 0, 0, 0, 0, 0, 0, 1, 2}, write(0x102L));
        assertArrayEquals(new byte[] {4, 0, 0, 0, 2, (byte) 0xC3, (byte) 0xA9}, write("é"));
        assertArrayEquals(new byte[] {5, 0, 0, 0, 1, 9}, write(new byte[] {9}));
    }

    @Test
    void aTypeOutsideTheProtocolIsRefusedAndNothingIsWritten() {
        for (Object value : new Object[] {(short) 1, 1.5d, 'c', new int[] {1}, new Object(), List.of()}) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> Values.write(out, value), "value " + value);
            assertTrue(refused.getMessage().contains(value.getClass().getName()), refused.getMessage());
            assertEquals(0, bytes.size(), "nothing written for " + value);
        }
    }

    @Test
    void anUnknownTypeByteIsAProtocolError() {
        for (byte type : new byte[] {6, 42, -1, Byte.MIN_VALUE}) {
            assertThrows(ProtocolException.class, () -> read(new byte[] {type, 0, 0, 0, 0}, LIMIT), "type " + type);
        }
    }

    @Test
    void aLengthBeyondTheLimitIsAProtocolErrorBeforeAnythingIsRead() throws IOException {
        assertArrayEquals(new byte[LIMIT], (byte[]) read(write(new byte[LIMIT]), LIMIT), "the limit itself is fine");
        assertThrows(ProtocolException.class, () -> read(write(new byte[LIMIT + 1]), LIMIT));
        assertThrows(ProtocolException.class, () -> read(write("x".repeat(LIMIT + 1)), LIMIT));
        // a header announcing 2 GB, with nothing behind it: refused by its length, not by running out of bytes
        assertThrows(ProtocolException.class, () -> read(header((byte) 5, Integer.MAX_VALUE), LIMIT));
        assertThrows(ProtocolException.class, () -> read(header((byte) 4, Integer.MAX_VALUE), LIMIT));
    }

    @Test
    void aNegativeLengthIsAProtocolError() {
        assertThrows(ProtocolException.class, () -> read(header((byte) 5, -1), LIMIT));
        assertThrows(ProtocolException.class, () -> read(header((byte) 4, Integer.MIN_VALUE), LIMIT));
    }

    @Test
    void everyTruncatedValueFailsWithEndOfStream() throws IOException {
        for (Object value : new Object[] {true, 5, 5L, "text", new byte[] {1, 2, 3}}) {
            byte[] whole = write(value);
            for (int length = 0; length < whole.length; length++) {
                byte[] truncated = Arrays.copyOf(whole, length);
                IOException failure = assertThrows(IOException.class, () -> read(truncated, LIMIT),
                        value + " cut at " + length);
                assertInstanceOf(EOFException.class, failure, value + " cut at " + length);
            }
        }
    }

    private static byte[] write(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            Values.write(out, value);
        }
        return bytes.toByteArray();
    }

    private static Object read(byte[] bytes, int limit) throws IOException {
        return Values.read(new DataInputStream(new ByteArrayInputStream(bytes)), limit);
    }

    private static byte[] header(byte type, int length) {
        return ByteBuffer.allocate(5).put(type).putInt(length).array();
    }
}
