package io.xaichat.worker.chat;

import java.util.List;

/**
 * Qwen3's thinking switch on a rendered ChatML prompt. Qwen3 thinks by default (its model card: {@code
 * enable_thinking=True} is the default); with thinking off its chat template ends the generation prompt with an
 * empty think block, {@code <|im_start|>assistant\n<think>\n\n</think>\n\n}, so the model answers directly. This
 * class does the same to a prompt rendered without that switch (llama.cpp's built-in ChatML formatting, or a
 * template that opened the block for the model). Models without think tokens are left alone, as are raw prompts
 * that do not end with the assistant's generation header.
 */
public final class ThinkingPrompt {
    /** Thinking when a request does not say, for models that can think (Qwen3's model card). */
    public static final boolean DEFAULT_THINKING = true;
    public static final String GENERATION_HEADER = "<|im_start|>assistant\n";
    public static final String EMPTY_THINK_BLOCK = ReasoningSplitter.OPEN + "\n\n" + ReasoningSplitter.CLOSE + "\n\n";

    private static final ThinkingPrompt NOT_THINKING = new ThinkingPrompt(false);
    private static final ThinkingPrompt THINKING = new ThinkingPrompt(true);

    private final boolean modelThinks;

    private ThinkingPrompt(boolean modelThinks) {
        this.modelThinks = modelThinks;
    }

    /** @param modelThinks whether the model's vocabulary has {@code <think>} and {@code </think>} */
    public static ThinkingPrompt of(boolean modelThinks) {
        return modelThinks ? THINKING : NOT_THINKING;
    }

    /** From a GGUF header's {@code tokenizer.ggml.tokens}: a thinking model has both think tokens. */
    public static ThinkingPrompt forModel(GgufHeader header) {
        List<?> tokens = header.value("tokenizer.ggml.tokens").filter(List.class::isInstance).map(List.class::cast)
                .orElse(List.of());
        return of(tokens.contains(ReasoningSplitter.OPEN) && tokens.contains(ReasoningSplitter.CLOSE));
    }

    public boolean modelThinks() {
        return modelThinks;
    }

    /** Whether a request with this {@code thinking} option (null: not given) thinks on this model. */
    public boolean thinks(Boolean requested) {
        return modelThinks && (requested == null ? DEFAULT_THINKING : requested);
    }

    /**
     * The prompt to evaluate. Thinking off on a thinking model: an empty think block after the generation header
     * (or, when the prompt already opened the block, that block closed empty). Otherwise unchanged.
     */
    public String apply(String renderedPrompt, Boolean requested) {
        if (!modelThinks || thinks(requested)) return renderedPrompt;
        if (renderedPrompt.endsWith(GENERATION_HEADER + EMPTY_THINK_BLOCK)) return renderedPrompt;
        if (renderedPrompt.endsWith(GENERATION_HEADER)) return renderedPrompt + EMPTY_THINK_BLOCK;
        String opened = GENERATION_HEADER + ReasoningSplitter.OPEN + "\n";
        if (renderedPrompt.endsWith(opened)) {
            return renderedPrompt.substring(0, renderedPrompt.length() - opened.length())
                    + GENERATION_HEADER + EMPTY_THINK_BLOCK;
        }
        return renderedPrompt;
    }

    /**
     * The splitter for the output that follows {@code finalPrompt} (the result of {@link #apply}); on a model
     * without think tokens it never finds a tag worth splitting on, so everything is content.
     */
    public ReasoningSplitter splitter(String finalPrompt) {
        return modelThinks ? ReasoningSplitter.forPrompt(finalPrompt) : ReasoningSplitter.passThrough();
    }
}
