package io.xaichat.worker.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xaichat.schema.ChatMessage;
import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.testkit.TestWorkers;
import io.xaichat.testkit.gguf.TinyGgufModels;
import io.xaichat.worker.engine.JobFailure;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A prompt that cannot fit is refused by its size in bytes, before the tokenizer sees it. */
class PromptByteLimitTest {
    @TempDir
    static Path dir;

    @Test
    void aHugePromptIsRefusedBeforeTokenizing() throws Exception {
        try (LlamaChatEngine engine = TestWorkers.tinyChat(TinyGgufModels.qwen2(dir))) {
            String fiveMegabytes = "word ".repeat(1_000_000);
            assertThatThrownBy(() -> engine.prepare(JobEnvelope.of("huge", JobKind.CHAT, "r",
                    ChatRequest.ofPrompt(fiveMegabytes)))).isInstanceOfSatisfying(JobFailure.class, f -> {
                        assertThat(f.code()).isEqualTo(ErrorCode.PROMPT_TOO_LONG);
                        assertThat(f.getMessage()).contains("5000000 bytes").contains("refused before tokenizing");
                    });
            // Within the byte bound the tokenizer still decides: this one fits.
            assertThat(engine.prepare(JobEnvelope.of("fits", JobKind.CHAT, "r", ChatRequest.ofPrompt("hello")))
                    .plan().request().prompt()).isEqualTo("hello");
        }
    }

    @Test
    void messagesCountTogetherAndMultibyteCharactersCountAsTheirUtf8Bytes() {
        ChatRequest twoHalves = ChatRequest.ofMessages(List.of(ChatMessage.user("é".repeat(600)),
                ChatMessage.user("x".repeat(900))));
        // 600 × 2 + 900 = 2,100 bytes > 16 tokens × 128 = 2,048
        assertThatThrownBy(() -> PromptByteLimit.check(twoHalves, 16, 17)).hasMessageContaining("2100 bytes");
        ChatRequest justFits = ChatRequest.ofPrompt("é".repeat(1024));
        org.assertj.core.api.Assertions.assertThatCode(() -> PromptByteLimit.check(justFits, 16, 17))
                .doesNotThrowAnyException();
    }
}
