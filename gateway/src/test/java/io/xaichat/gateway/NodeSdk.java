package io.xaichat.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The official OpenAI Node SDK (the version pinned in src/test/node/package.json), installed with npm into the
 * build directory on first use, running src/test/node/sdk.mjs scenarios against a gateway.
 */
final class NodeSdk {
    private static final Path DIR = Path.of(System.getProperty("xaichat.node.dir", "target/node-sdk"));
    private static final Path SOURCES = Path.of(System.getProperty("xaichat.node.sources", "src/test/node"));

    private NodeSdk() {}

    static synchronized void install() throws Exception {
        Files.createDirectories(DIR);
        byte[] wanted = Files.readAllBytes(SOURCES.resolve("package.json"));
        Path installed = DIR.resolve("package.json");
        boolean current = Files.exists(installed) && java.util.Arrays.equals(Files.readAllBytes(installed), wanted)
                && Files.isDirectory(DIR.resolve("node_modules/openai"));
        Files.copy(SOURCES.resolve("sdk.mjs"), DIR.resolve("sdk.mjs"), StandardCopyOption.REPLACE_EXISTING);
        if (current) return;
        Files.write(installed, wanted);
        run(List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"), null, null, 300);
    }

    /** Runs a scenario and returns its JSON output. */
    static JsonNode run(String baseUrl, String apiKey, String scenario, String... args) throws Exception {
        install();
        List<String> command = new ArrayList<>(List.of("node", "sdk.mjs", scenario));
        command.addAll(List.of(args));
        String out = run(command, baseUrl, apiKey, 300);
        String last = out.strip().lines().reduce((a, b) -> b).orElse("");
        return Json.tree(last.getBytes(StandardCharsets.UTF_8));
    }

    private static String run(List<String> command, String baseUrl, String apiKey, int timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(DIR.toFile());
        Path err = Files.createTempFile(DIR, "node", ".err");
        pb.redirectError(err.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("OPENAI_"));
        if (baseUrl != null) pb.environment().put("OPENAI_BASE_URL", baseUrl);
        if (apiKey != null) pb.environment().put("OPENAI_API_KEY", apiKey);
        Process p = pb.start();
        byte[] stdout = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in " + timeoutSeconds + " s");
        }
        String stderr = Files.readString(err);
        Files.deleteIfExists(err);
        String text = new String(stdout, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new AssertionError(command + " exited with " + p.exitValue() + ":\n" + text + "\n" + stderr);
        }
        return text;
    }

}
