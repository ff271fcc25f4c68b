package io.xaichat.worker.chat;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which llama.cpp serves chat: the current one through its C API (default) or java-llama.cpp's b4916. */
public enum ChatEngineKind {
    LLAMA_CPP("llama-cpp"),
    JAVA_LLAMA_CPP("java-llama-cpp");

    private final String wireName;

    ChatEngineKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException naming the allowed values */
    public static ChatEngineKind parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (ChatEngineKind k : values()) if (k.wireName.equals(n)) return k;
        throw new IllegalArgumentException("unknown chat engine '" + name + "'; allowed: " + names());
    }

    public static String names() {
        return Arrays.stream(values()).map(ChatEngineKind::wireName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return wireName;
    }
}
