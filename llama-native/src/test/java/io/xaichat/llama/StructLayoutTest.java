package io.xaichat.llama;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Structure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles a C probe against the pinned llama.h (extracted by the build from node-llama-cpp's gitRelease.bundle)
 * that prints sizeof and the offsetof of every field the Java structs declare, and compares them with JNA's layout.
 * A llama.cpp bump that renames a field fails the compile; one that moves or adds fields fails the comparison.
 */
class StructLayoutTest {
    private static final Map<String, Class<? extends LlamaStruct>> STRUCTS = new LinkedHashMap<>();
    static {
        STRUCTS.put("struct llama_model_params", LlamaModelParams.class);
        STRUCTS.put("struct llama_context_params", LlamaContextParams.class);
        STRUCTS.put("struct llama_batch", LlamaBatch.class);
        STRUCTS.put("struct llama_sampler_chain_params", LlamaSamplerChainParams.class);
        STRUCTS.put("struct llama_chat_message", LlamaChatMessage.class);
    }

    private static Map<String, Long> probed;

    @BeforeAll
    static void probe(@TempDir Path dir) throws Exception {
        Path headers = Path.of(System.getProperty("llama.headers", "target/llama-source"));
        assertThat(headers.resolve("include/llama.h")).as("pinned llama.h from the build").isRegularFile();
        StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n#include \"llama.h\"\nint main(void) {\n");
        for (var e : STRUCTS.entrySet()) {
            c.append("  printf(\"%s sizeof %zu\\n\", \"").append(e.getKey()).append("\", sizeof(").append(e.getKey()).append("));\n");
            for (String field : fields(e.getValue())) {
                c.append("  printf(\"%s ").append(field).append(" %zu\\n\", \"").append(e.getKey())
                        .append("\", offsetof(").append(e.getKey()).append(", ").append(field).append("));\n");
            }
        }
        c.append("  return 0;\n}\n");
        Path src = Files.writeString(dir.resolve("probe.c"), c);
        Path exe = dir.resolve("probe");
        run(dir, "gcc", "-std=c11", "-I", headers.resolve("include").toString(), "-I",
                headers.resolve("ggml/include").toString(), src.toString(), "-o", exe.toString());
        probed = new LinkedHashMap<>();
        for (String line : run(dir, exe.toString()).split("\n")) {
            int last = line.lastIndexOf(' ');
            int mid = line.lastIndexOf(' ', last - 1);
            probed.put(line.substring(0, mid) + "." + line.substring(mid + 1, last), Long.parseLong(line.substring(last + 1)));
        }
    }

    @Test
    void everyStructPassedToLlamaCppHasTheCompilersSizeAndOffsets() throws Exception {
        for (var e : STRUCTS.entrySet()) {
            LlamaStruct s = e.getValue().getDeclaredConstructor().newInstance();
            assertThat((long) s.size()).as("sizeof(%s)", e.getKey()).isEqualTo(probed.get(e.getKey() + ".sizeof"));
            for (String field : fields(e.getValue())) {
                assertThat((long) s.offsetOf(field)).as("offsetof(%s, %s)", e.getKey(), field)
                        .isEqualTo(probed.get(e.getKey() + "." + field));
            }
        }
    }

    @Test
    void theProbeSeesEveryFieldOfTheContextParams() {
        // A sanity check of the probe itself: the field list is read from the Java side, so it must be complete.
        assertThat(probed.keySet().stream().filter(k -> k.startsWith("struct llama_context_params.")).count())
                .isEqualTo(fields(LlamaContextParams.class).size() + 1);
    }

    private static List<String> fields(Class<?> type) {
        return List.of(type.getAnnotation(Structure.FieldOrder.class).value());
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s:%n%s", String.join(" ", command), out).isZero();
        return out;
    }
}
