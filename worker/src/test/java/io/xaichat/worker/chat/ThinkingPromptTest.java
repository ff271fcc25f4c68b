package io.xaichat.worker.chat;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.testkit.gguf.TinyGgufModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThinkingPromptTest {
    private static final String CHATML = "<|im_start|>system\nBe brief.<|im_end|>\n"
            + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n";
    private static final ThinkingPrompt QWEN3 = ThinkingPrompt.of(true);
    private static final ThinkingPrompt QWEN2 = ThinkingPrompt.of(false);

    @TempDir
    Path dir;

    @Test
    void thinkingOffAppendsQwen3sEmptyThinkBlock() {
        String prompt = QWEN3.apply(CHATML, false);

        assertThat(prompt).isEqualTo(CHATML + "<think>\n\n</think>\n\n");
        assertThat(QWEN3.thinks(false)).isFalse();
        assertThat(QWEN3.splitter(prompt).inReasoning()).isFalse();
    }

    @Test
    void thinkingIsOnByDefaultAndThenThePromptIsUnchanged() {
        assertThat(QWEN3.thinks(null)).isTrue();
        assertThat(QWEN3.thinks(true)).isTrue();
        assertThat(QWEN3.apply(CHATML, null)).isEqualTo(CHATML);
        assertThat(QWEN3.apply(CHATML, true)).isEqualTo(CHATML);
    }

    @Test
    void modelsWithoutThinkTokensAreLeftAlone() {
        assertThat(QWEN2.thinks(null)).isFalse();
        assertThat(QWEN2.thinks(true)).isFalse();
        assertThat(QWEN2.apply(CHATML, false)).isEqualTo(CHATML);
        assertThat(QWEN2.apply(CHATML, true)).isEqualTo(CHATML);
        ReasoningSplitter s = QWEN2.splitter(CHATML);
        s.feed("<think>x</think>y");
        assertThat(s.content()).isEqualTo("<think>x</think>y");
    }

    @Test
    void aBlockAlreadyClosedOrOpenedByTheTemplateIsHandled() {
        String closed = CHATML + ThinkingPrompt.EMPTY_THINK_BLOCK;
        String opened = CHATML + "<think>\n";

        assertThat(QWEN3.apply(closed, false)).isEqualTo(closed);
        assertThat(QWEN3.apply(opened, false)).isEqualTo(closed);
        assertThat(QWEN3.apply(opened, null)).isEqualTo(opened);
        assertThat(QWEN3.splitter(opened).inReasoning()).isTrue();
    }

    @Test
    void rawPromptsWithoutTheGenerationHeaderAreUnchanged() {
        assertThat(QWEN3.apply("Once upon a time", false)).isEqualTo("Once upon a time");
    }

    @Test
    void tellsThinkingModelsFromTheirVocabulary() {
        assertThat(ThinkingPrompt.forModel(GgufHeader.read(TinyGgufModels.qwen3(dir))).modelThinks()).isTrue();
        assertThat(ThinkingPrompt.forModel(GgufHeader.read(TinyGgufModels.qwen2(dir))).modelThinks()).isFalse();
    }
}
