package io.xaichat.worker.chat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Turns token pieces (bytes) into text. A character's UTF-8 bytes may be split over tokens, so the bytes of an
 * incomplete character at the end are held until the token that completes them arrives.
 */
final class Utf8Text {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** Adds a piece; returns the text it completes (possibly empty). */
    String append(byte[] piece) {
        pending.writeBytes(piece);
        byte[] b = pending.toByteArray();
        int complete = completePrefix(b);
        pending.reset();
        pending.write(b, complete, b.length - complete);
        return new String(b, 0, complete, StandardCharsets.UTF_8);
    }

    /** What is still held (an unfinished character at the end of the output), with replacement characters. */
    String rest() {
        String s = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        return s;
    }

    /** Length of the longest prefix that does not end inside a multi-byte character. */
    static int completePrefix(byte[] b) {
        int n = b.length;
        // Look back at most 3 bytes for the lead byte of the last character.
        for (int back = 1; back <= Math.min(4, n); back++) {
            int c = b[n - back] & 0xff;
            if ((c & 0xC0) == 0x80) continue; // continuation byte
            int need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            return need > back ? n - back : n;
        }
        return n; // only continuation bytes: invalid, let the decoder replace them
    }
}
