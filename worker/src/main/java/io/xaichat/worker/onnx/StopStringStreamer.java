package io.xaichat.worker.onnx;

import java.util.List;
import java.util.function.Consumer;

/**
 * Turns the growing decoded text into streamed pieces. Holds back a trailing U+FFFD (a character whose UTF-8
 * bytes are not all generated yet) and any tail that could still become a stop string, and cuts the output at
 * the first stop string.
 */
public final class StopStringStreamer {
    private final List<String> stops;
    private final Consumer<String> out;
    private int emitted;
    private String finalText;

    public StopStringStreamer(List<String> stops, Consumer<String> out) {
        this.stops = stops;
        this.out = out;
    }

    /** Offers the text decoded so far; returns true when it contains a stop string (the output is then final). */
    public boolean update(String text) {
        String stable = text;
        while (stable.endsWith("\uFFFD")) stable = stable.substring(0, stable.length() - 1);
        int stop = firstStop(stable);
        if (stop >= 0) {
            finish(stable.substring(0, stop));
            return true;
        }
        emitUpTo(stable, stable.length() - stopPrefixTail(stable));
        return false;
    }

    /** Ends the stream with the complete text (end token or length): flushes everything held back. */
    public String finish(String text) {
        if (finalText != null) return finalText;
        int stop = firstStop(text);
        String result = stop >= 0 ? text.substring(0, stop) : text;
        emitUpTo(result, result.length());
        finalText = result;
        return result;
    }

    private void emitUpTo(String text, int end) {
        if (end > emitted) {
            out.accept(text.substring(emitted, end));
            emitted = end;
        }
    }

    private int firstStop(String text) {
        int first = -1;
        for (String stop : stops) {
            int at = text.indexOf(stop);
            if (at >= 0 && (first < 0 || at < first)) first = at;
        }
        return first;
    }

    /** Length of the longest tail of {@code text} that is a proper prefix of a stop string. */
    private int stopPrefixTail(String text) {
        int longest = 0;
        for (String stop : stops) {
            for (int n = Math.min(stop.length() - 1, text.length()); n > longest; n--) {
                if (text.endsWith(stop.substring(0, n))) {
                    longest = n;
                    break;
                }
            }
        }
        return longest;
    }
}
