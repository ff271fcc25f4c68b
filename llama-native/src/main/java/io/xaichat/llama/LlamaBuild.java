package io.xaichat.llama;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/** Facts about the pinned llama.cpp build, taken by the build from its exact source. */
public final class LlamaBuild {
    private static final String ROOT = "io/xaichat/llama/";

    private LlamaBuild() {}

    /** The node-llama-cpp version whose prebuilt libraries these are (e.g. 3.22.1). */
    public static String nodeLlamaCppVersion() {
        return properties().getProperty("version", "?");
    }

    /** The llama.cpp commit the libraries were built from. */
    public static String commit() {
        return properties().getProperty("commit", "?");
    }

    /** Architecture names this llama.cpp knows ({@code LLM_ARCH_NAMES} in src/llama-arch.cpp). */
    public static Set<String> architectures() {
        Set<String> names = new TreeSet<>();
        for (String line : require("architectures.txt").split("\n")) if (!line.isBlank()) names.add(line.trim());
        return Set.copyOf(names);
    }

    /** llama.cpp's GBNF grammar for any JSON value ({@code grammars/json.gbnf}; its start symbol is {@code root}). */
    public static String jsonGrammar() {
        return require("json.gbnf");
    }

    private static Properties properties() {
        Properties p = new Properties();
        try {
            p.load(new StringReader(require("build.properties")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    private static String require(String name) {
        String text = NativeFiles.resourceText(ROOT + name);
        if (text == null) {
            throw new NativeLibraryException(ROOT + name + " is missing from the class path: the xaichat-llama-native"
                    + " jar was not built by its Maven module");
        }
        return text;
    }
}
