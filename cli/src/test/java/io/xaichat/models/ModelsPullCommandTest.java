package io.xaichat.models;

import static io.xaichat.models.CliRun.xaichat;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code xaichat models pull|list} against a local HTTP server that honours (or ignores) Range requests. */
class ModelsPullCommandTest {

    private static final String REPO_PATH = "/test/tiny/resolve/main/";
    private static final int SIZE = 3 * 1024 * 1024 + 123;

    @TempDir
    Path tmp;

    private LocalFileServer server;
    private Path modelsDir;
    private byte[] weights;

    @BeforeEach
    void start() throws IOException {
        server = new LocalFileServer();
        modelsDir = tmp.resolve("models");
        weights = randomBytes(SIZE, 42);
        server.serve(REPO_PATH + "tiny.gguf", weights);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void downloadsTheFileAndVerifiesItsDigest() throws IOException {
        Path manifest = writeManifest(chatModel("tiny.gguf", (long) SIZE, sha256(weights)));

        CliRun run = xaichat("models", "pull", "chat", "--no-progress", "--manifest", manifest.toString(),
                "--models-dir", modelsDir.toString(), "--base-url", server.base().toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Files.readAllBytes(modelsDir.resolve("chat/tiny.gguf"))).isEqualTo(weights);
        assertThat(modelsDir.resolve("chat/tiny.gguf.part")).doesNotExist();
        assertThat(run.out()).contains("fetched  chat/tiny.gguf").contains("sha256 verified").contains("1 of 1 files ready");
        assertThat(server.rangeHeaders()).containsExactly("none");
    }

    @Test
    void resumesAPartialDownloadWithARangeRequestForTheRemainingBytes() throws IOException {
        Path manifest = writeManifest(chatModel("tiny.gguf", (long) SIZE, sha256(weights)));
        int have = 1024 * 1024 + 17;
        Files.createDirectories(modelsDir.resolve("chat"));
        Files.write(modelsDir.resolve("chat/tiny.gguf.part"), Arrays.copyOf(weights, have));

        CliRun run = pull(manifest, "chat");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(server.rangeHeaders()).containsExactly("bytes=" + have + "-");
        assertThat(server.bodyBytesSent()).isEqualTo(SIZE - have);
        assertThat(Files.readAllBytes(modelsDir.resolve("chat/tiny.gguf"))).isEqualTo(weights);
        assertThat(modelsDir.resolve("chat/tiny.gguf.part")).doesNotExist();
        assertThat(run.out()).contains("sha256 verified");
    }

    @Test
    void acceptsAPartialDownloadThatIsAlreadyCompleteWhenTheServerAnswers416() throws IOException {
        Path manifest = writeManifest(chatModel("tiny.gguf", (long) SIZE, sha256(weights)));
        Files.createDirectories(modelsDir.resolve("chat"));
        Files.write(modelsDir.resolve("chat/tiny.gguf.part"), weights);

        CliRun run = pull(manifest, "chat");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(server.rangeHeaders()).containsExactly("bytes=" + SIZE + "-");
        assertThat(server.bodyBytesSent()).isZero();
        assertThat(Files.readAllBytes(modelsDir.resolve("chat/tiny.gguf"))).isEqualTo(weights);
    }

    @Test
    void restartsFromTheBeginningWhenTheServerAnswers200ToARangeRequest() throws IOException {
        server.ignoreRanges();
        Path manifest = writeManifest(chatModel("tiny.gguf", (long) SIZE, sha256(weights)));
        // Bytes that are not the file's prefix: appending the full body to them would give a wrong file.
        Files.createDirectories(modelsDir.resolve("chat"));
        Files.write(modelsDir.resolve("chat/tiny.gguf.part"), randomBytes(5000, 7));

        CliRun run = pull(manifest, "chat");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(server.rangeHeaders()).containsExactly("bytes=5000-");
        assertThat(run.err()).contains("ignored the resume request for chat/tiny.gguf");
        assertThat(Files.readAllBytes(modelsDir.resolve("chat/tiny.gguf"))).isEqualTo(weights);
    }

    @Test
    void rejectsADownloadWhoseDigestDiffersAndLeavesNoFileBehind() throws IOException {
        String otherDigest = sha256(randomBytes(SIZE, 99));
        Path manifest = writeManifest(chatModel("tiny.gguf", (long) SIZE, otherDigest));

        CliRun run = pull(manifest, "chat");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("SHA-256 mismatch for chat/tiny.gguf")
                .contains("expected " + otherDigest)
                .contains("actual " + sha256(weights))
                .contains("The download was deleted");
        assertThat(modelsDir.resolve("chat/tiny.gguf")).doesNotExist();
        assertThat(modelsDir.resolve("chat/tiny.gguf.part")).doesNotExist();
        assertThat(run.out()).contains("0 of 1 files ready; 1 failed");
    }

    @Test
    void namesTheUrlTheCauseAndTheManualRouteWhenNothingListens() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path manifest = writeManifest(chatModel("tiny.gguf", (long) SIZE, sha256(weights)));

        CliRun run = xaichat("models", "pull", "chat", "--no-progress", "--manifest", manifest.toString(),
                "--models-dir", modelsDir.toString(), "--base-url", "http://127.0.0.1:" + closedPort);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("cannot download chat/tiny.gguf from http://127.0.0.1:" + closedPort
                        + REPO_PATH + "tiny.gguf")
                .contains("ConnectException")
                .contains("download https://huggingface.co" + REPO_PATH + "tiny.gguf and save it as "
                        + modelsDir.toAbsolutePath().resolve("chat/tiny.gguf"));
        assertThat(modelsDir.resolve("chat/tiny.gguf")).doesNotExist();
    }

    @Test
    void followsRedirects() throws IOException {
        server.redirect(REPO_PATH + "moved.gguf", server.base() + "/cdn/blob");
        server.serve("/cdn/blob", weights);
        Path manifest = writeManifest(chatModel("moved.gguf", (long) SIZE, sha256(weights)));

        CliRun run = pull(manifest, "chat");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(Files.readAllBytes(modelsDir.resolve("chat/moved.gguf"))).isEqualTo(weights);
        assertThat(server.rangeHeaders()).hasSize(2);
    }

    @Test
    void skipsAFileThatIsAlreadyPresentWithTheRightDigest() throws IOException {
        Path manifest = writeManifest(chatModel("tiny.gguf", (long) SIZE, sha256(weights)));
        assertThat(pull(manifest, "chat").exitCode()).isZero();

        CliRun again = pull(manifest, "chat");

        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("present  chat/tiny.gguf").contains("sha256 verified");
        assertThat(server.rangeHeaders()).hasSize(1);
    }

    @Test
    void downloadsAFileWithoutDigestButWarnsThatItIsUnverified() throws IOException {
        Path manifest = writeManifest(chatModel("tiny.gguf", null, null));

        CliRun run = pull(manifest, "chat");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("UNVERIFIED");
        assertThat(run.err()).contains("WARNING: chat/tiny.gguf is UNVERIFIED")
                .contains("its SHA-256 is " + sha256(weights));
        assertThat(Files.readAllBytes(modelsDir.resolve("chat/tiny.gguf"))).isEqualTo(weights);
    }

    @Test
    void drawsAProgressBarWithBytesAndRate() throws IOException {
        Path manifest = writeManifest(chatModel("tiny.gguf", (long) SIZE, sha256(weights)));

        CliRun run = xaichat("models", "pull", "chat", "--manifest", manifest.toString(),
                "--models-dir", modelsDir.toString(), "--base-url", server.base().toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).contains("chat/tiny.gguf").contains("100%").contains("/3MiB").contains("MiB/s");
    }

    @Test
    void listShowsPresentPartialAndMissingFilesAndWhetherTheyVerify() throws IOException {
        byte[] vision = randomBytes(2048, 3);
        server.serve(REPO_PATH + "vision.onnx", vision);
        Path manifest = writeManifest(
                chatModel("tiny.gguf", (long) SIZE, sha256(weights)),
                model("chat", "tiny", "q8", false, List.of(file("chat/tiny-q8.gguf", "tiny-q8.gguf", 100L, null))),
                model("vision", "eye", "q4f16", true, List.of(
                        file("vision/eye/vision.onnx", "vision.onnx", null, null),
                        file("vision/eye/config.json", "config.json", 10L, null))));
        assertThat(pull(manifest, "chat").exitCode()).isZero();
        assertThat(pull(manifest, "vision").exitCode()).isEqualTo(1); // config.json is not served
        Files.write(modelsDir.resolve("chat/tiny-q8.gguf.part"), new byte[40]);

        CliRun run = xaichat("models", "list", "--verify", "--manifest", manifest.toString(),
                "--models-dir", modelsDir.toString());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(line(run.out(), "chat/tiny.gguf")).contains("chat").contains("tiny:q4 *").contains("3.0 MiB")
                .contains("present").contains("sha256 ok");
        assertThat(line(run.out(), "chat/tiny-q8.gguf")).contains("tiny:q8").contains("100 B").contains("partial")
                .contains("40 B so far");
        assertThat(line(run.out(), "vision/eye/vision.onnx")).contains("vision").contains("eye:q4f16 *")
                .contains("?").contains("present").contains("no digest");
        assertThat(line(run.out(), "vision/eye/config.json")).contains("missing");
    }

    @Test
    void listWithoutVerifyComparesSizesOnly() throws IOException {
        Path manifest = writeManifest(chatModel("tiny.gguf", (long) SIZE, sha256(weights)));
        Files.createDirectories(modelsDir.resolve("chat"));
        Files.write(modelsDir.resolve("chat/tiny.gguf"), randomBytes(SIZE, 5)); // right size, wrong bytes

        CliRun quick = xaichat("models", "list", "--manifest", manifest.toString(), "--models-dir", modelsDir.toString());
        CliRun verified = xaichat("models", "list", "--verify", "--manifest", manifest.toString(),
                "--models-dir", modelsDir.toString());

        assertThat(line(quick.out(), "chat/tiny.gguf")).contains("size ok");
        assertThat(line(verified.out(), "chat/tiny.gguf")).contains("SHA256 MISMATCH");
    }

    @Test
    void rejectsAnUnknownKindAndAVariantThatDoesNotExist() throws IOException {
        Path manifest = writeManifest(chatModel("tiny.gguf", (long) SIZE, sha256(weights)));

        CliRun unknownKind = pull(manifest, "audio");
        CliRun unknownVariant = xaichat("models", "pull", "chat", "--variant", "q2", "--manifest", manifest.toString(),
                "--models-dir", modelsDir.toString());

        assertThat(unknownKind.exitCode()).isEqualTo(2);
        assertThat(unknownKind.err()).contains("unknown KIND 'audio' (expected chat, vision, image or all)");
        assertThat(unknownVariant.exitCode()).isEqualTo(2);
        assertThat(unknownVariant.err()).contains("no chat model has variant 'q2' (available: tiny:q4)");
        assertThat(server.rangeHeaders()).isEmpty();
    }

    @Test
    void pullChatWithThePackagedManifestFetchesQwen3ByItsPublishedPathAndChecksItsDigest() throws IOException {
        // A stand-in for the real file: the server answers only the path the packaged manifest names.
        server.serve("/unsloth/Qwen3-1.7B-GGUF/resolve/main/Qwen3-1.7B-Q4_K_M.gguf", weights);

        CliRun run = xaichat("models", "pull", "chat", "--no-progress", "--models-dir", modelsDir.toString(),
                "--base-url", server.base().toString());

        // The packaged size and digest are the real file's, so the stand-in is fetched from the published path and
        // then refused: the default model is never installed unchecked.
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out()).contains("chat qwen3-1.7b:q4_k_m");
        assertThat(run.err()).contains("FAILED   chat/Qwen3-1.7B-Q4_K_M.gguf")
                .contains("/unsloth/Qwen3-1.7B-GGUF/resolve/main/Qwen3-1.7B-Q4_K_M.gguf");
        assertThat(modelsDir.resolve("chat/Qwen3-1.7B-Q4_K_M.gguf")).doesNotExist();
    }

    @Test
    void theQwen25VariantIsPulledByItsFullName() throws IOException {
        server.serve("/Qwen/Qwen2.5-1.5B-Instruct-GGUF/resolve/main/qwen2.5-1.5b-instruct-q4_k_m.gguf", weights);

        CliRun ambiguous = xaichat("models", "pull", "chat", "--variant", "q4_k_m", "--no-progress",
                "--models-dir", modelsDir.toString(), "--base-url", server.base().toString());
        CliRun named = xaichat("models", "pull", "chat", "--variant", "qwen2.5-1.5b-instruct:q4_k_m", "--no-progress",
                "--models-dir", modelsDir.toString(), "--base-url", server.base().toString());

        assertThat(ambiguous.exitCode()).isEqualTo(2);
        assertThat(ambiguous.err()).contains("name one: qwen3-1.7b:q4_k_m, qwen2.5-1.5b-instruct:q4_k_m");
        // The packaged digest is the real file's, so the stand-in is refused: the digest check is in force.
        assertThat(named.exitCode()).as(named.toString()).isEqualTo(1);
        assertThat(named.err()).contains("FAILED   chat/qwen2.5-1.5b-instruct-q4_k_m.gguf");
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] args : List.of(new String[] {"--help"}, new String[] {"models", "--help"},
                new String[] {"models", "pull", "--help"}, new String[] {"models", "list", "--help"})) {
            CliRun run = xaichat(args);
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).startsWith("Usage: xaichat");
        }
    }

    // --- helpers ---

    private CliRun pull(Path manifest, String kind) {
        return xaichat("models", "pull", kind, "--no-progress", "--manifest", manifest.toString(),
                "--models-dir", modelsDir.toString(), "--base-url", server.base().toString());
    }


    private static String line(String text, String containing) {
        return text.lines().filter(l -> l.contains(containing + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no line with " + containing + " in:\n" + text));
    }

    private static String chatModel(String fileName, Long size, String sha256) {
        return model("chat", "tiny", "q4", true, List.of(file("chat/" + fileName, fileName, size, sha256)));
    }

    private static String model(String kind, String id, String variant, boolean isDefault, List<String> files) {
        return "  - kind: " + kind + "\n    id: " + id + "\n    variant: " + variant + "\n    default: " + isDefault
                + "\n    description: test model\n    files:\n" + String.join("", files);
    }

    private static String file(String path, String served, Long size, String sha256) {
        return "      - path: " + path + "\n        url: https://huggingface.co" + REPO_PATH + served
                + "\n        size: " + size + "\n        sha256: " + sha256 + "\n        description: test file\n";
    }

    private Path writeManifest(String... models) throws IOException {
        List<String> parts = new ArrayList<>(List.of("version: 1\nmodels:\n"));
        parts.addAll(List.of(models));
        Path manifest = tmp.resolve("manifest.yaml");
        Files.writeString(manifest, String.join("", parts), StandardCharsets.UTF_8);
        return manifest;
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
