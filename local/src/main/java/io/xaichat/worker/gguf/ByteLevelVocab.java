package io.xaichat.worker.gguf;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A GPT-2 style byte-level BPE vocabulary: the 256 byte tokens (in GPT-2's byte-to-unicode spelling), the results of
 * a few merges, the ChatML special tokens, optionally Qwen3's {@code <think>} and {@code </think>}, then unused filler
 * tokens up to the requested size.
 */
public final class ByteLevelVocab {
    public static final String ENDOFTEXT = "<|endoftext|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";
    public static final String THINK = "<think>";
    public static final String END_THINK = "</think>";

    // llama.cpp token types. Qwen3 marks <think> and </think> "special": false in its tokenizer_config, so its GGUFs
    // carry them as USER_DEFINED: they are rendered as text and always matched when tokenizing, unlike CONTROL tokens.
    private static final int NORMAL = 1, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5;

    /** Merges in GPT-2 spelling ('Ġ' is a space); each result becomes a token. */
    private static final List<String> MERGES = List.of(
            "Ġ t", "h e", "Ġ a", "i n", "Ġt he", "e r", "o n", "r e", "Ġ s", "a t", "e n", "Ġ w", "o r", "l l");

    final List<String> tokens = new ArrayList<>();
    final List<Integer> types = new ArrayList<>();
    final List<String> merges = MERGES;
    final int endOfText;
    final int imStart;
    final int imEnd;
    /** Ids of {@code <think>} and {@code </think>}, or -1 when the vocabulary has none. */
    final int think;
    final int endThink;

    /** A vocabulary without think tokens (Qwen2.5's). */
    public ByteLevelVocab(int size) {
        this(size, false);
    }

    /**
     * @param size total token count; at least the bytes, merges and specials (273, or 275 with think tokens)
     * @param thinkTokens whether to add {@code <think>} and {@code </think>} after the ChatML tokens (Qwen3's)
     */
    public ByteLevelVocab(int size, boolean thinkTokens) {
        for (int b = 0; b < 256; b++) add(byteToUnicode(b), NORMAL);
        Set<String> merged = new LinkedHashSet<>();
        for (String m : MERGES) merged.add(m.replace(" ", ""));
        for (String t : merged) add(t, NORMAL);
        endOfText = add(ENDOFTEXT, CONTROL);
        imStart = add(IM_START, CONTROL);
        imEnd = add(IM_END, CONTROL);
        think = thinkTokens ? add(THINK, USER_DEFINED) : -1;
        endThink = thinkTokens ? add(END_THINK, USER_DEFINED) : -1;
        if (size < tokens.size()) {
            throw new IllegalArgumentException("vocabulary size " + size + " is below the minimum " + tokens.size());
        }
        while (tokens.size() < size) add("<|unused_" + tokens.size() + "|>", UNUSED);
    }

    /**
     * Ids of the byte tokens that are not printable ASCII or a newline (the byte tokens come first: id = byte). Their
     * bytes alone are no text, and a random model that samples them writes invalid UTF-8.
     */
    List<Integer> nonTextBytes() {
        List<Integer> ids = new ArrayList<>();
        for (int b = 0; b < 256; b++) if ((b < 0x20 && b != '\n') || b >= 0x7f) ids.add(b);
        return ids;
    }

    public int size() {
        return tokens.size();
    }

    private int add(String token, int type) {
        tokens.add(token);
        types.add(type);
        return tokens.size() - 1;
    }

    int[] typeArray() {
        return types.stream().mapToInt(Integer::intValue).toArray();
    }

    /** GPT-2's reversible byte → printable character mapping. */
    static String byteToUnicode(int b) {
        boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        if (printable) return String.valueOf((char) b);
        int n = 0;
        for (int i = 0; i < b; i++) {
            boolean p = (i >= '!' && i <= '~') || (i >= 0xA1 && i <= 0xAC) || (i >= 0xAE && i <= 0xFF);
            if (!p) n++;
        }
        return String.valueOf((char) (256 + n));
    }
}
