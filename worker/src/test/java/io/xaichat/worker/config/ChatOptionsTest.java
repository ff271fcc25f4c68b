package io.xaichat.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xaichat.worker.chat.ChatEngineConfig;
import io.xaichat.worker.chat.ChatEngineKind;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The chat engine flags as the worker's command line parses them, validated at start. */
class ChatOptionsTest {

    @Command
    static final class Flags {
        @Mixin ChatOptions chat;
        @Mixin ModelsLocation models;
    }

    private static ChatEngineConfig parse(String... args) {
        Flags flags = new Flags();
        new CommandLine(flags).parseArgs(args);
        return flags.chat.toConfig(flags.models);
    }

    @Test
    void theCurrentLlamaCppWithTheBenchmarkedSlotCountIsTheDefault() {
        ChatEngineConfig config = parse();
        assertThat(config.engine()).isEqualTo(ChatEngineKind.LLAMA_CPP);
        assertThat(config.slots()).isEqualTo(ChatEngineConfig.DEFAULT_SLOTS);
        assertThat(config.nativeDir()).isNull();
    }

    @Test
    void theEngineAndSlotsAreChosenByFlag() {
        ChatEngineConfig config = parse("--chat-engine=java-llama-cpp");
        assertThat(config.engine()).isEqualTo(ChatEngineKind.JAVA_LLAMA_CPP);
        assertThat(config.slots()).isEqualTo(1); // java-llama.cpp serves one job at a time
        assertThat(parse("--chat-slots=2").slots()).isEqualTo(2);
    }

    @Test
    void badValuesNameTheFlagAndTheVariable() {
        assertThatThrownBy(() -> parse("--chat-engine=ollama"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--chat-engine/XAICHAT_CHAT_ENGINE")
                .hasMessageContaining("llama-cpp, java-llama-cpp");
        assertThatThrownBy(() -> parse("--chat-slots=0"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--chat-slots/XAICHAT_CHAT_SLOTS");
        assertThatThrownBy(() -> parse("--llama-lib-dir=/nonexistent/llama"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--llama-lib-dir/XAICHAT_LLAMA_LIB_DIR");
    }
}
