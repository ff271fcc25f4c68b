package io.xaichat.worker.chat;

/**
 * Separates a thinking model's output into reasoning (the text inside {@code <think>...</think>}) and content (the
 * rest), as OpenAI-compatible servers return {@code reasoning_content} beside {@code content}. Fed the generated text
 * pieces in order; a tag split across pieces is recognised, because a piece's tail that could begin a tag is held
 * back until the next piece decides it.
 *
 * <p>Whitespace follows Qwen3's format ({@code <think>\nreasoning\n</think>\n\nanswer}): reasoning is trimmed at
 * both ends, and content loses the whitespace right after a {@code </think>}. Text with no tags passes through
 * unchanged. Not thread-safe: one splitter per generation.
 */
public final class ReasoningSplitter {
    public static final String OPEN = "<think>";
    public static final String CLOSE = "</think>";

    /** Text a {@link #feed} or {@link #finish} call released; either part may be empty. */
    public record Delta(String reasoning, String content) {
        static final Delta EMPTY = new Delta("", "");

        public boolean isEmpty() {
            return reasoning.isEmpty() && content.isEmpty();
        }
    }

    private final StringBuilder reasoning = new StringBuilder();
    private final StringBuilder content = new StringBuilder();
    /** Unread input: the end of the last piece, which may be the start of a tag. */
    private final StringBuilder pending = new StringBuilder();
    /** Reasoning whitespace not released yet: dropped if {@code </think>} or the end follows it. */
    private final StringBuilder heldWhitespace = new StringBuilder();
    /** False for models without think tokens: their output is all content, tags or not. */
    private final boolean splits;
    private boolean inReasoning;
    private boolean skipLeadingWhitespace;
    private boolean finished;

    /** @param startsInReasoning whether the prompt opened a think block the output continues */
    public ReasoningSplitter(boolean startsInReasoning) {
        this(true, startsInReasoning);
    }

    private ReasoningSplitter(boolean splits, boolean startsInReasoning) {
        this.splits = splits;
        this.inReasoning = startsInReasoning;
        this.skipLeadingWhitespace = startsInReasoning;
    }

    /** A splitter that releases every piece as content unchanged: for models that cannot think. */
    public static ReasoningSplitter passThrough() {
        return new ReasoningSplitter(false, false);
    }

    /**
     * A splitter for the output that follows {@code prompt}: it starts inside a think block when the prompt's last
     * turn (after its last {@code <|im_start|>}) opens one without closing it, as templates that open the block for
     * the model do. A {@code <think>} in an earlier message does not count.
     */
    public static ReasoningSplitter forPrompt(String prompt) {
        int turn = prompt.lastIndexOf("<|im_start|>");
        String last = turn < 0 ? prompt : prompt.substring(turn);
        return new ReasoningSplitter(last.lastIndexOf(OPEN) > last.lastIndexOf(CLOSE));
    }

    /** Whether the text read so far ends inside a think block. */
    public boolean inReasoning() {
        return inReasoning;
    }

    /** Reads the next generated piece; returns the text it released. */
    public Delta feed(String piece) {
        if (finished) throw new IllegalStateException("feed after finish");
        if (!splits) {
            content.append(piece);
            return piece.isEmpty() ? Delta.EMPTY : new Delta("", piece);
        }
        int reasoningBefore = reasoning.length(), contentBefore = content.length();
        pending.append(piece);
        String text = pending.toString();
        pending.setLength(0);
        int pos = 0;
        while (true) {
            String tag = inReasoning ? CLOSE : OPEN;
            int at = text.indexOf(tag, pos);
            if (at < 0) break;
            emit(text.substring(pos, at));
            switchMode();
            pos = at + tag.length();
        }
        int keep = partialTagLength(text, pos, inReasoning ? CLOSE : OPEN);
        emit(text.substring(pos, text.length() - keep));
        pending.append(text, text.length() - keep, text.length());
        return delta(reasoningBefore, contentBefore);
    }

    /** Ends the output: a held-back partial tag is text after all; trailing reasoning whitespace is dropped. */
    public Delta finish() {
        if (finished) return Delta.EMPTY;
        int reasoningBefore = reasoning.length(), contentBefore = content.length();
        String rest = pending.toString();
        pending.setLength(0);
        emit(rest);
        heldWhitespace.setLength(0);
        finished = true;
        return delta(reasoningBefore, contentBefore);
    }

    /** All reasoning released so far. */
    public String reasoning() {
        return reasoning.toString();
    }

    /** All content released so far. */
    public String content() {
        return content.toString();
    }

    private void switchMode() {
        if (inReasoning) heldWhitespace.setLength(0); // reasoning's trailing whitespace
        inReasoning = !inReasoning;
        skipLeadingWhitespace = true;
    }

    private void emit(String text) {
        if (skipLeadingWhitespace) {
            int i = 0;
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) i++;
            text = text.substring(i);
            if (text.isEmpty()) return;
            skipLeadingWhitespace = false;
        }
        if (!inReasoning) {
            content.append(text);
            return;
        }
        int end = text.length();
        while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) end--;
        if (end > 0) {
            reasoning.append(heldWhitespace).append(text, 0, end);
            heldWhitespace.setLength(0);
        }
        heldWhitespace.append(text, end, text.length());
    }

    /** Length of the longest end of {@code text} (from {@code from}) that is a proper prefix of {@code tag}. */
    private static int partialTagLength(String text, int from, String tag) {
        for (int n = Math.min(tag.length() - 1, text.length() - from); n > 0; n--) {
            if (text.regionMatches(text.length() - n, tag, 0, n)) return n;
        }
        return 0;
    }

    private Delta delta(int reasoningBefore, int contentBefore) {
        if (reasoning.length() == reasoningBefore && content.length() == contentBefore) return Delta.EMPTY;
        return new Delta(reasoning.substring(reasoningBefore), content.substring(contentBefore));
    }
}
