package io.github.multiprocessing4j.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineForwarderTest {

    /** Records each write separately, so a test can see what was written as one piece. */
    private static final class Writes extends PrintStream {
        final List<String> pieces = new ArrayList<>();

        Writes() {
            super(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            pieces.add(new String(bytes, offset, length, StandardCharsets.UTF_8));
        }
    }

    @Test
    void linesSplitAcrossFramesAreWrittenWhole() {
        Writes out = new Writes();
        LineForwarder forwarder = new LineForwarder(() -> out);
        forwarder.write(bytes("hel"));
        forwarder.write(bytes("lo\nwor"));
        forwarder.write(bytes("ld\nand\nmore"));
        assertEquals(List.of("hel", "lo\n", "wor", "ld\nand\n"), out.pieces.subList(0, 4));
        assertEquals("hello\nworld\nand\n", String.join("", out.pieces));
        forwarder.flush();
        assertEquals("hello\nworld\nand\nmore", String.join("", out.pieces));
    }

    @Test
    void utf8BytesPassThroughUnchangedEvenWhenAFrameCutsACharacter() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(sink, true, StandardCharsets.ISO_8859_1);
        LineForwarder forwarder = new LineForwarder(() -> out);
        byte[] text = bytes("测试ChildProcess-1多进程\n");
        forwarder.write(java.util.Arrays.copyOfRange(text, 0, 4));
        forwarder.write(java.util.Arrays.copyOfRange(text, 4, text.length));
        assertArrayEquals(text, sink.toByteArray());
    }

    @Test
    void aLineWithoutEndIsWrittenInPiecesOnceItIsLong() {
        Writes out = new Writes();
        LineForwarder forwarder = new LineForwarder(() -> out);
        forwarder.write(new byte[LineForwarder.MAX_LINE - 1]);
        assertEquals(List.of(), out.pieces);
        forwarder.write(new byte[1]);
        assertEquals(1, out.pieces.size());
        assertEquals(LineForwarder.MAX_LINE, out.pieces.get(0).length());
    }

    @Test
    void nothingIsWrittenTwice() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(sink, true, StandardCharsets.UTF_8);
        LineForwarder forwarder = new LineForwarder(() -> out);
        forwarder.write(bytes("a\nb"));
        forwarder.flush();
        forwarder.flush();
        forwarder.write(bytes("c\n"));
        assertEquals("a\nbc\n", sink.toString(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
