package io.github.multiprocessing4j.internal.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Python's typecodes: sizes, ranges, and elements stored and loaded back. */
class ElementTypeTest {

    @Test
    void knowsPythonsTypecodesAndRefusesOthers() {
        assertEquals("bBhHiIlLqQfd", java.util.Arrays.stream(ElementType.values())
                .map(type -> String.valueOf(type.code())).reduce("", String::concat));
        assertEquals(4, ElementType.of('i').size());
        assertEquals(8, ElementType.of('l').size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ElementType.of('x'));
        assertTrue(e.getMessage().contains("unknown typecode 'x'"), e.getMessage());
    }

    @Test
    void checksIntegerRanges() {
        assertEquals(127, ElementType.of('b').fromLong(127));
        assertThrows(IllegalArgumentException.class, () -> ElementType.of('b').fromLong(128));
        assertThrows(IllegalArgumentException.class, () -> ElementType.of('B').fromLong(-1));
        assertEquals(4_294_967_295L, ElementType.of('I').fromLong(4_294_967_295L));
        assertThrows(IllegalArgumentException.class, () -> ElementType.of('i').fromLong(1L << 31));
        assertThrows(IllegalStateException.class, () -> ElementType.of('d').toLong(0));
        assertThrows(IllegalArgumentException.class, () -> ElementType.of('i').fromDouble(1.5));
    }

    @Test
    void storesAndLoadsEveryTypeWithItsSignedness() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(64);
        for (ElementType type : ElementType.values()) {
            long raw = type.isFloating() ? type.fromDouble(-2.5) : type.fromLong(type.code() == Character.toUpperCase(
                    type.code()) ? 200 : -100);
            type.store(buffer, 8, raw);
            assertEquals(raw, type.load(buffer, 8), "typecode " + type.code());
            if (type.isFloating()) {
                assertEquals(-2.5, type.toDouble(type.load(buffer, 8)));
            }
        }
        ElementType unsigned = ElementType.of('Q');
        unsigned.store(buffer, 8, -1L);
        assertEquals("18446744073709551615", unsigned.format(unsigned.load(buffer, 8)));
    }
}
