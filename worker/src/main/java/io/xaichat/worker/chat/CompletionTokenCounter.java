package io.xaichat.worker.chat;

import java.util.function.ToIntFunction;

/**
 * Counts generated tokens from java-llama.cpp's streamed pieces, which are text, not tokens. llama.cpp's server
 * sends one piece per sampled token, with two exceptions: a token that ends inside a multi-byte UTF-8 character
 * sends nothing (its bytes arrive with the piece that completes the character), and text that may be the start of
 * a stop string is sent as an empty piece and released later in one piece. So: an empty piece or an ASCII piece is
 * one token; a piece releasing held-back text is one token (the held ones were counted when their empty pieces came);
 * any other piece with multi-byte characters is re-tokenized, which gives the tokens the model most likely sampled.
 */
final class CompletionTokenCounter {
    private final ToIntFunction<String> tokenCount;
    private int tokens;
    private boolean previousEmpty;

    /** @param tokenCount tokens of a text under the model's tokenizer */
    CompletionTokenCounter(ToIntFunction<String> tokenCount) {
        this.tokenCount = tokenCount;
    }

    void piece(String text) {
        boolean single = text.isEmpty() || previousEmpty || isAscii(text) || text.indexOf('\uFFFD') >= 0;
        tokens += single ? 1 : Math.max(1, tokenCount.applyAsInt(text));
        previousEmpty = text.isEmpty();
    }

    /** Tokens counted so far, never more than {@code limit} (llama.cpp never generates more than it was asked). */
    int tokens(int limit) {
        return Math.min(tokens, limit);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 0x80) return false;
        return true;
    }
}
