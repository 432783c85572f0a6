package io.github.multiprocessing4j.internal.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.Vector;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * MessageCodec: every compact type comes back equal (and of the documented class), everything
 * else goes through the fallback, oversized messages fail in the sender (SPEC M2), and bytes
 * that are not a message fail with IllegalStateException only, without allocating what they
 * announce (SPEC C3).
 */
class MessageCodecTest {

    private static final int LIMIT = 8 * 1024 * 1024;
    private final MessageCodec codec = new MessageCodec(LIMIT, JavaSerializationFallback.withLimits(LIMIT));

    @SuppressWarnings("unchecked")
    private <T> T roundTrip(Object message) {
        return (T) codec.decode(codec.encode(message));
    }

    private boolean isCompact(Object message) {
        byte[] bytes = codec.encode(message);
        assertEquals(MessageCodec.VERSION, bytes[0]);
        return bytes.length < 2 || bytes[1] != MessageCodec.FALLBACK;
    }

    // ---------------------------------------------------------------- scalars

    @Test
    void everyScalarComesBackEqualAndCompact() {
        List<Object> scalars = new ArrayList<>(List.of(true, false,
                Byte.MIN_VALUE, (byte) 0, Byte.MAX_VALUE,
                Short.MIN_VALUE, (short) -1, Short.MAX_VALUE,
                Character.MIN_VALUE, 'x', '\u00e9', '\uD800', Character.MAX_VALUE,
                Integer.MIN_VALUE, -65, -64, -1, 0, 1, 63, 64, 127, 128, 8191, 8192, Integer.MAX_VALUE,
                Long.MIN_VALUE, (long) Integer.MIN_VALUE - 1, -1L, 0L, 1L, Long.MAX_VALUE,
                Float.MIN_VALUE, Float.MAX_VALUE, Float.NEGATIVE_INFINITY, 1.5f,
                Double.MIN_VALUE, Double.MAX_VALUE, Double.POSITIVE_INFINITY, Math.PI));
        scalars.add(null);
        for (Object scalar : scalars) {
            assertTrue(isCompact(scalar), String.valueOf(scalar));
            Object copy = roundTrip(scalar);
            assertEquals(scalar, copy);
            if (scalar != null) {
                assertSame(scalar.getClass(), copy.getClass());
            }
        }
    }

    @Test
    void floatingPointKeepsEveryBit() {
        float nanWithPayload = Float.intBitsToFloat(0x7fc00123);
        double doubleNanWithPayload = Double.longBitsToDouble(0x7ff8000000000abcL);
        assertEquals(0x7fc00123, Float.floatToRawIntBits(this.<Float>roundTrip(nanWithPayload)));
        assertEquals(0x7ff8000000000abcL, Double.doubleToRawLongBits(this.<Double>roundTrip(doubleNanWithPayload)));
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(this.<Float>roundTrip(-0.0f)));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(this.<Double>roundTrip(-0.0)));
    }

    @Test
    void smallIntegersTakeFewBytes() {
        assertEquals(3, codec.encode(5).length);      // version, tag, one varint byte
        assertEquals(3, codec.encode(-5).length);
        assertEquals(4, codec.encode(100L).length);
    }

    // ---------------------------------------------------------------- strings

    @Test
    void everyJavaStringComesBackEqual() {
        StringBuilder everyChar = new StringBuilder();
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            everyChar.append(c);
        }
        List<String> strings = List.of("", "a", "?", "hello, world", "h\u00e9llo", "\u65e5\u672c\u8a9e",
                "\uD83D\uDE00 emoji", "\uD83D\uDE00", "a\uD800b", "lone high \uD800", "\uDC00 lone low",
                "\uDC00\uD800 reversed pair", "?\uD800?", "\u0000nul\u0000", everyChar.toString(),
                "x".repeat(1 << 20), "\u00e9\uD83D\uDE00".repeat(100_000));
        for (String s : strings) {
            assertTrue(isCompact(s));
            assertEquals(s, roundTrip(s), () -> "a string of " + s.length() + " chars");
        }
    }

    @Test
    void wellFormedStringsAreUtf8() {
        String s = "h\u00e9llo \uD83D\uDE00";
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] bytes = codec.encode(s);
        assertEquals(MessageCodec.STRING, bytes[1]);
        assertArrayEquals(utf8, Arrays.copyOfRange(bytes, 3, bytes.length));
        assertEquals(MessageCodec.STRING_UTF16, codec.encode("a\uD800")[1]);
    }

    // ---------------------------------------------------------------- arrays

    @Test
    void everyPrimitiveArrayComesBackEqual() {
        Random random = new Random(10);
        int n = 100_000;
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        boolean[] booleans = new boolean[n];
        short[] shorts = new short[n];
        char[] chars = new char[n];
        int[] ints = new int[n];
        long[] longs = new long[n];
        float[] floats = new float[n];
        double[] doubles = new double[n];
        for (int i = 0; i < n; i++) {
            booleans[i] = random.nextBoolean();
            shorts[i] = (short) random.nextInt();
            chars[i] = (char) random.nextInt();
            ints[i] = random.nextInt();
            longs[i] = random.nextLong();
            floats[i] = Float.intBitsToFloat(random.nextInt());
            doubles[i] = Double.longBitsToDouble(random.nextLong());
        }
        assertArrayEquals(bytes, (byte[]) roundTrip(bytes));
        assertArrayEquals(booleans, (boolean[]) roundTrip(booleans));
        assertArrayEquals(shorts, (short[]) roundTrip(shorts));
        assertArrayEquals(chars, (char[]) roundTrip(chars));
        assertArrayEquals(ints, (int[]) roundTrip(ints));
        assertArrayEquals(longs, (long[]) roundTrip(longs));
        float[] floatCopy = roundTrip(floats);
        double[] doubleCopy = roundTrip(doubles);
        for (int i = 0; i < n; i++) {
            assertEquals(Float.floatToRawIntBits(floats[i]), Float.floatToRawIntBits(floatCopy[i]));
            assertEquals(Double.doubleToRawLongBits(doubles[i]), Double.doubleToRawLongBits(doubleCopy[i]));
        }
        for (Object empty : List.of(new byte[0], new boolean[0], new short[0], new char[0], new int[0], new long[0],
                new float[0], new double[0])) {
            assertTrue(isCompact(empty));
            Object copy = roundTrip(empty);
            assertSame(empty.getClass(), copy.getClass());
            assertEquals(0, java.lang.reflect.Array.getLength(copy));
        }
        assertEquals(2 + 3 + n * 8, codec.encode(longs).length);
    }

    // ---------------------------------------------------------------- collections

    @Test
    void mutableCollectionsComeBackAsTheirOwnClass() {
        List<Object> elements = Arrays.asList(1, "two", null, 3.0, new LinkedList<>(List.of(4L)));
        Map<Object, Object> hashMap = new HashMap<>();
        hashMap.put(null, "null key");
        hashMap.put("k", null);
        hashMap.put(7, List.of(8, 9));
        Map<Object, Object> linkedMap = new LinkedHashMap<>();
        for (int i = 50; i > 0; i--) {
            linkedMap.put("key" + i, i);
        }
        List<Object> messages = List.of(new ArrayList<>(elements), new LinkedList<>(elements), hashMap, linkedMap,
                new TreeMap<>(Map.of("b", 2, "a", 1, "c", 3)),
                new HashSet<>(elements), new LinkedHashSet<>(List.of(5, 3, 9, 1)), new TreeSet<>(List.of(5, 3, 9, 1)),
                new ArrayList<>(), new HashMap<>(), new LinkedHashSet<>());
        for (Object message : messages) {
            assertTrue(isCompact(message), message.getClass().getName());
            Object copy = roundTrip(message);
            assertEquals(message, copy);
            assertSame(message.getClass(), copy.getClass());
            if (!(message instanceof HashMap<?, ?> && !(message instanceof LinkedHashMap<?, ?>))
                    && !(message instanceof HashSet<?> && !(message instanceof LinkedHashSet<?>))) {
                assertEquals(iterationOrder(message), iterationOrder(copy));
            }
        }
        List<Object> fromArrays = roundTrip(Arrays.asList(1, 2, 3));
        assertSame(ArrayList.class, fromArrays.getClass());
        assertEquals(List.of(1, 2, 3), fromArrays);
    }

    private static List<Object> iterationOrder(Object collection) {
        if (collection instanceof Map<?, ?> map) {
            return new ArrayList<>(map.entrySet());
        }
        return new ArrayList<>((java.util.Collection<?>) collection);
    }

    @Test
    void unmodifiableCollectionsComeBackUnmodifiableInTheSameOrder() {
        Map<String, Integer> linked = new LinkedHashMap<>();
        linked.put("z", 1);
        linked.put("a", 2);
        List<Object> messages = List.of(List.of(), List.of(1), List.of(1, 2, 3), List.of(1, 2, 3, 4).subList(1, 3),
                IntStream.range(0, 5).boxed().toList(), Collections.emptyList(), Collections.singletonList("s"),
                Collections.unmodifiableList(new ArrayList<>(List.of(1, 2))),
                Collections.unmodifiableList(new LinkedList<>(List.of(1, 2))),
                Map.of(), Map.of("a", 1), Map.of("a", 1, "b", 2), Collections.emptyMap(),
                Collections.singletonMap("k", "v"), Collections.unmodifiableMap(linked),
                Set.of(), Set.of(1), Set.of(1, 2, 3), Collections.emptySet(), Collections.singleton(1),
                Collections.unmodifiableSet(new LinkedHashSet<>(List.of(3, 1, 2))));
        for (Object message : messages) {
            assertTrue(isCompact(message), message.getClass().getName());
            Object copy = roundTrip(message);
            assertEquals(message, copy);
            assertEquals(iterationOrder(message), iterationOrder(copy));
            if (copy instanceof List<?> list) {
                assertThrows(UnsupportedOperationException.class, () -> list.add(null));
            } else if (copy instanceof Set<?> set) {
                assertThrows(UnsupportedOperationException.class, () -> set.add(null));
            } else {
                assertThrows(UnsupportedOperationException.class, () -> ((Map<?, ?>) copy).put(null, null));
            }
        }
    }

    @Test
    void nestedCollectionsComeBackEqualUpToTheMaximumDepth() {
        Object nested = "leaf";
        for (int i = 0; i < MessageCodec.MAX_DEPTH; i++) {
            nested = i % 3 == 0 ? new ArrayList<>(List.of(nested, i)) : i % 3 == 1 ? Map.of(i, nested) : List.of(nested);
        }
        assertTrue(isCompact(nested));
        assertEquals(nested, roundTrip(nested));
        Object deeper = new ArrayList<>(List.of(nested));
        assertFalse(isCompact(deeper), "one level deeper goes through the fallback");
        assertEquals(deeper, roundTrip(deeper));
    }

    // ---------------------------------------------------------------- fallback

    /** A message type the compact format does not know. */
    record Point(int x, String label) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void otherTypesGoWholeThroughTheFallback() {
        assertFalse(isCompact(new Point(1, "p")));
        assertEquals(new Point(1, "p"), roundTrip(new Point(1, "p")));

        // one unknown element anywhere: the whole message is Java serialization, with its meaning
        Point shared = new Point(2, "shared");
        List<Object> mixed = new ArrayList<>(List.of(1, "a", List.of(shared, shared)));
        assertFalse(isCompact(mixed));
        List<Object> copy = roundTrip(mixed);
        assertEquals(mixed, copy);
        List<?> inner = (List<?>) copy.get(2);
        assertSame(inner.get(0), inner.get(1));

        List<Object> cyclic = new ArrayList<>();
        cyclic.add(cyclic);
        List<Object> cyclicCopy = roundTrip(cyclic);
        assertSame(cyclicCopy, cyclicCopy.get(0));

        TreeMap<String, Integer> reversed = new TreeMap<>(Comparator.reverseOrder());
        reversed.put("a", 1);
        reversed.put("b", 2);
        assertFalse(isCompact(reversed));
        TreeMap<String, Integer> reversedCopy = roundTrip(reversed);
        assertEquals(List.of("b", "a"), new ArrayList<>(reversedCopy.keySet()));

        for (Object other : List.of(new Vector<>(List.of(1)), new String[] {"a"}, new StringBuilder("sb"),
                new java.util.concurrent.ConcurrentHashMap<>(Map.of(1, 2)))) {
            assertFalse(isCompact(other), other.getClass().getName());
            assertSame(other.getClass(), roundTrip(other).getClass());
        }
        // a view is neither compact nor serializable
        Set<Integer> view = new HashMap<>(Map.of(1, 2)).keySet();
        assertThrows(IllegalArgumentException.class, () -> codec.encode(view));
    }

    @Test
    void aMessageThatCannotBeSerializedIsRefusedInTheSenderNamingItsClass() {
        List<Object> message = List.of(1, new Object());
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> codec.encode(message));
        assertTrue(refused.getMessage().contains("java.lang.Object"), refused.getMessage());
        assertEquals(List.of(1), roundTrip(List.of(1)), "the codec stays usable");
    }

    @Test
    void theFallbacksFilterIsApplied() {
        MessageCodec strict = new MessageCodec(LIMIT, new JavaSerializationFallback(
                java.io.ObjectInputFilter.Config.createFilter("!" + Point.class.getName())));
        byte[] bytes = strict.encode(new Point(1, "p"));
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> strict.decode(bytes));
        assertTrue(refused.getMessage().contains("refused"), refused.getMessage());
    }

    @Test
    void aPluggedFallbackIsUsedBothWays() {
        List<String> calls = new ArrayList<>();
        Fallback recording = new Fallback() {
            @Override
            public byte[] serialize(Object message) {
                calls.add("serialize " + message);
                return message.toString().getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public Object deserialize(byte[] bytes, int offset, int length) {
                calls.add("deserialize " + length);
                return new String(bytes, offset, length, StandardCharsets.UTF_8);
            }
        };
        MessageCodec plugged = new MessageCodec(1024, recording);
        assertEquals("sb", plugged.decode(plugged.encode(new StringBuilder("sb"))));
        assertEquals(List.of("serialize sb", "deserialize 2"), calls);
    }

    // ---------------------------------------------------------------- the limit (SPEC M2)

    @Test
    void aMessageOverTheLimitIsRefusedInTheSenderNamingTheLimit() {
        MessageCodec small = new MessageCodec(1000, JavaSerializationFallback.withLimits(1000));
        byte[] fits = new byte[1000 - 4];     // version, tag, two bytes of length
        assertEquals(1000, small.encode(fits).length);
        for (Object tooBig : List.of(new byte[997], "x".repeat(5000), new long[200], List.of(new byte[600], new byte[600]),
                new Point(1, "y".repeat(2000)))) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> small.encode(tooBig));
            assertTrue(refused.getMessage().contains("limit of 1000 bytes"), refused.getMessage());
        }
        assertEquals(List.of(1, 2), small.decode(small.encode(List.of(1, 2))), "the codec stays usable");
        byte[] large = codec.encode(new byte[2000]);
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> small.decode(large));
        assertTrue(refused.getMessage().contains("limit of 1000 bytes"), refused.getMessage());
    }

    @Test
    void aLimitBelowTheLeastIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new MessageCodec(15, JavaSerializationFallback.withLimits(15)));
    }

    // ---------------------------------------------------------------- bad input (SPEC C3)

    @Test
    void anotherFormatVersionIsRefusedClearly() {
        byte[] bytes = codec.encode(List.of(1, 2));
        bytes[0] = 2;
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> codec.decode(bytes));
        assertTrue(refused.getMessage().contains("format version 2"), refused.getMessage());
        assertThrows(IllegalStateException.class, () -> codec.decode(new byte[0]));
    }

    @Test
    void aPartOfAnArrayDecodes() {
        byte[] message = codec.encode(Map.of("a", List.of(1, 2)));
        byte[] padded = new byte[message.length + 10];
        System.arraycopy(message, 0, padded, 7, message.length);
        assertEquals(Map.of("a", List.of(1, 2)), codec.decode(padded, 7, message.length));
        assertThrows(IndexOutOfBoundsException.class, () -> codec.decode(padded, 7, padded.length));
    }

    @Test
    void countsLargerThanTheBytesLeftAreRefusedBeforeAllocating() {
        int[] tags = {MessageCodec.STRING, MessageCodec.STRING_UTF16, MessageCodec.BYTES, MessageCodec.BOOLEANS,
            MessageCodec.SHORTS, MessageCodec.CHARS, MessageCodec.INTS, MessageCodec.LONGS, MessageCodec.FLOATS,
            MessageCodec.DOUBLES, MessageCodec.ARRAY_LIST, MessageCodec.LINKED_LIST, MessageCodec.UNMODIFIABLE_LIST,
            MessageCodec.HASH_MAP, MessageCodec.LINKED_HASH_MAP, MessageCodec.TREE_MAP, MessageCodec.UNMODIFIABLE_MAP,
            MessageCodec.HASH_SET, MessageCodec.LINKED_HASH_SET, MessageCodec.TREE_SET, MessageCodec.UNMODIFIABLE_SET};
        for (int tag : tags) {
            // version, tag, count 2^31 - 1 as a varint, and three bytes
            byte[] hostile = {MessageCodec.VERSION, (byte) tag, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07,
                0, 0, 0};
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> codec.decode(hostile));
            assertTrue(refused.getMessage().contains("announces 2147483647 entries"), refused.getMessage());
            hostile[6] = 0x0F;   // 2^32 - 1: negative as an int
            assertThrows(IllegalStateException.class, () -> codec.decode(hostile));
        }
        byte[] tooLongVarint = {MessageCodec.VERSION, MessageCodec.INT, (byte) 0x80, (byte) 0x80, (byte) 0x80,
            (byte) 0x80, (byte) 0x80, 0};
        assertThrows(IllegalStateException.class, () -> codec.decode(tooLongVarint));
    }

    @Test
    void nestingDeeperThanTheMaximumIsRefusedWithoutOverflowingTheStack() {
        byte[] hostile = new byte[1 + 2 * 100_000];
        hostile[0] = MessageCodec.VERSION;
        for (int i = 1; i < hostile.length; i += 2) {
            hostile[i] = MessageCodec.ARRAY_LIST;
            hostile[i + 1] = 1;
        }
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> codec.decode(hostile));
        assertTrue(refused.getMessage().contains("nested more than"), refused.getMessage());
    }

    @Test
    void keysThatDoNotCompareInASortedMapFailWithIllegalStateException() {
        byte[] bytes = codec.encode(new HashMap<>(Map.of(1, "a", "b", 2)));
        bytes[1] = MessageCodec.TREE_MAP;
        assertThrows(IllegalStateException.class, () -> codec.decode(bytes));
        byte[] nullKey = codec.encode(Collections.singletonMap(null, 1));
        nullKey[1] = MessageCodec.TREE_MAP;
        assertThrows(IllegalStateException.class, () -> codec.decode(nullKey));
    }

    @Test
    void anInvalidBooleanOrTrailingBytesAreRefused() {
        byte[] booleans = codec.encode(new boolean[] {true});
        booleans[3] = 2;
        assertThrows(IllegalStateException.class, () -> codec.decode(booleans));
        byte[] trailing = Arrays.copyOf(codec.encode(5), 4);
        assertThrows(IllegalStateException.class, () -> codec.decode(trailing));
        assertThrows(IllegalStateException.class, () -> codec.decode(new byte[] {MessageCodec.VERSION, (byte) 200}));
    }

    @Test
    void everyTruncationFailsWithIllegalStateException() {
        for (Object message : seeds()) {
            byte[] bytes = codec.encode(message);
            for (int length = 0; length < bytes.length; length++) {
                int cut = length;
                assertThrows(IllegalStateException.class, () -> codec.decode(bytes, 0, cut),
                        () -> message + " cut to " + cut + " bytes");
            }
        }
    }

    @Test
    void mutatedMessagesDecodeOrFailWithIllegalStateExceptionOnly() {
        List<byte[]> seeds = seeds().stream().map(codec::encode).toList();
        Random random = new Random(20_251_201);
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            int refused = 0;
            int decoded = 0;
            for (int i = 0; i < 5000; i++) {
                byte[] mutated = mutate(seeds.get(random.nextInt(seeds.size())), random);
                try {
                    codec.decode(mutated);
                    decoded++;
                } catch (IllegalStateException expected) {
                    refused++;
                }
            }
            // both outcomes must have happened, or the mutations test nothing
            assertTrue(refused > 100 && decoded > 100, refused + " refused, " + decoded + " decoded");
        });
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] bytes = seed.clone();
        switch (random.nextInt(5)) {
            case 0 -> bytes[1 + random.nextInt(bytes.length - 1)] = (byte) random.nextInt();   // one byte replaced
            case 1 -> {
                // a few bits flipped
                for (int j = 0; j < 1 + random.nextInt(4); j++) {
                    bytes[1 + random.nextInt(bytes.length - 1)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            case 2 -> bytes = Arrays.copyOf(bytes, 1 + random.nextInt(bytes.length));   // cut short
            case 3 -> {
                // random bytes inserted
                int at = 1 + random.nextInt(bytes.length - 1);
                int inserted = 1 + random.nextInt(8);
                byte[] longer = new byte[bytes.length + inserted];
                System.arraycopy(bytes, 0, longer, 0, at);
                for (int j = at; j < at + inserted; j++) {
                    longer[j] = (byte) random.nextInt();
                }
                System.arraycopy(bytes, at, longer, at + inserted, bytes.length - at);
                bytes = longer;
            }
            default -> {
                // garbage of the right version
                bytes = new byte[1 + random.nextInt(64)];
                random.nextBytes(bytes);
                bytes[0] = MessageCodec.VERSION;
            }
        }
        return bytes;
    }

    private static List<Object> seeds() {
        Map<Object, Object> map = new LinkedHashMap<>();
        map.put("name", "h\u00e9llo \uD83D\uDE00");
        map.put(1, List.of(1L, 2.5, 'c', (short) 3, (byte) 4, 1.5f, true));
        map.put("arrays", new ArrayList<>(List.of(new int[] {1, -2}, new double[] {3.5}, new char[] {'x'},
                new boolean[] {true, false}, new short[] {7}, new long[] {-9L}, new float[] {2f}, new byte[] {5, 6})));
        map.put("sets", List.of(new TreeSet<>(List.of(3, 1)), new HashSet<>(List.of("a")), Set.of(2)));
        map.put("tree", new TreeMap<>(Map.of("b", 1, "a", 2)));
        map.put("lone", "x\uD800y");
        return List.of(map, new ArrayList<>(List.of("a", 1, 2L)), new Point(3, "fallback"),
                new LinkedList<>(List.of(Map.of("k", new byte[] {1, 2, 3}))));
    }
}
