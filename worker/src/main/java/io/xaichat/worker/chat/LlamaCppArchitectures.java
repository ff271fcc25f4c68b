package io.xaichat.worker.chat;

import io.xaichat.llama.LlamaBuild;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * Model architectures the current llama.cpp (the llama-cpp engine) can run for chat: the names compiled into its
 * source ({@code src/llama-arch.cpp}, read by the build), minus encoders, embedding and speech models that cannot
 * generate text. llama.cpp itself only logs why it refuses a file, so the engine checks first.
 */
public final class LlamaCppArchitectures {
    private static final Set<String> NOT_CHAT = Set.of("clip", "bert", "nomic-bert", "nomic-bert-moe", "neo-bert",
            "modern-bert", "jina-bert-v2", "jina-bert-v3", "t5encoder", "wavtokenizer-dec", "eurobert");

    private LlamaCppArchitectures() {}

    public static Set<String> supported() {
        Set<String> names = new TreeSet<>(LlamaBuild.architectures());
        names.removeAll(NOT_CHAT);
        return names;
    }

    /** @throws ModelLoadException naming the architecture, the file and the supported list */
    public static void check(String architecture, Path file) {
        Set<String> supported = supported();
        if (supported.contains(architecture)) return;
        throw new ModelLoadException("model " + file + " has architecture '" + architecture
                + "', which this llama.cpp build (node-llama-cpp " + LlamaBuild.nodeLlamaCppVersion()
                + ", llama.cpp " + LlamaBuild.commit().substring(0, Math.min(8, LlamaBuild.commit().length()))
                + ") cannot run for chat. Supported: " + String.join(", ", supported) + ".");
    }
}
