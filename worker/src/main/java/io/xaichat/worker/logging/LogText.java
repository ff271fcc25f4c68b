package io.xaichat.worker.logging;

/**
 * Record-supplied text made safe to log and to echo in error results: control characters escaped (a newline in a
 * job id cannot forge a log line) and length bounded (a 5 MB "kind" is not echoed in full).
 */
public final class LogText {
    /** Longest record-supplied string echoed. */
    public static final int MAX_CHARS = 200;

    private LogText() {}

    /** Escapes control characters as {@code \n}, {@code \t} or {@code \\uXXXX}. */
    public static String escape(String s) {
        if (s == null) return null;
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
            if (control && out == null) out = new StringBuilder(s.length() + 16).append(s, 0, i);
            if (out == null) continue;
            if (!control) {
                out.append(c);
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c == '\r') {
                out.append("\\r");
            } else if (c == '\t') {
                out.append("\\t");
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return out == null ? s : out.toString();
    }

    /** Escaped, and cut to {@link #MAX_CHARS} characters with the original length noted. */
    public static String clip(String s) {
        if (s == null) return null;
        String cut = s.length() <= MAX_CHARS ? s : s.substring(0, MAX_CHARS) + "…(" + s.length() + " chars)";
        return escape(cut);
    }

    /** An error message for a result or a DLQ header: escaped and at most {@code max} characters. */
    public static String message(String s, int max) {
        if (s == null) return "";
        String cut = s.length() <= max ? s : s.substring(0, max) + "…(" + s.length() + " chars)";
        return escape(cut);
    }
}
