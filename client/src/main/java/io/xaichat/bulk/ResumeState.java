package io.xaichat.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What an existing output file already answers, read before a run appends to it. A torn last line (a run killed
 * mid-write: no final newline, or not JSON) is cut off, so the file stays valid JSON Lines and that custom_id is
 * simply run again.
 *
 * @param answered custom_ids with a line in the output file (after dropping error lines when retrying failures)
 * @param tornBytes bytes cut from the end of the file
 * @param droppedErrorLines error lines removed because failures are to be retried
 */
public record ResumeState(Set<String> answered, long tornBytes, int droppedErrorLines) {

    public static ResumeState empty() {
        return new ResumeState(Set.of(), 0, 0);
    }

    /**
     * Reads and repairs {@code output}. With {@code retryFailed}, lines carrying an {@code error} are removed from
     * the file (rewritten atomically) so their custom_ids run again and each custom_id still has one line.
     */
    public static ResumeState load(Path output, boolean retryFailed) throws IOException {
        if (!Files.exists(output)) return empty();
        long tornBytes = cutTornTail(output);
        Set<String> answered = new HashSet<>();
        List<String> kept = new ArrayList<>();
        int dropped = 0;
        try (BufferedReader r = Files.newBufferedReader(output, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) continue;
                JsonNode tree = tree(line);
                String customId = tree == null ? null : tree.path("custom_id").asText(null);
                boolean failed = tree != null && tree.hasNonNull("error");
                if (retryFailed && failed) {
                    dropped++;
                    continue;
                }
                if (customId != null) answered.add(customId);
                kept.add(line);
            }
        }
        if (dropped > 0) rewrite(output, kept);
        return new ResumeState(Set.copyOf(answered), tornBytes, dropped);
    }

    public boolean isAnswered(String customId) {
        return answered.contains(customId);
    }

    /** Cuts everything after the last newline if that rest is not a complete JSON value; returns bytes cut. */
    private static long cutTornTail(Path output) throws IOException {
        byte[] all = Files.readAllBytes(output);
        int end = all.length;
        if (end == 0 || all[end - 1] == '\n') return 0;
        int lastNewline = end - 1;
        while (lastNewline >= 0 && all[lastNewline] != '\n') lastNewline--;
        String tail = new String(all, lastNewline + 1, end - lastNewline - 1, StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(output, StandardOpenOption.WRITE)) {
            if (tree(tail) != null) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[] {'\n'}), end); // complete, only the newline is missing
                return 0;
            }
            ch.truncate(lastNewline + 1);
        }
        return end - (lastNewline + 1);
    }

    private static void rewrite(Path output, List<String> lines) throws IOException {
        Path tmp = output.resolveSibling(output.getFileName() + ".tmp");
        Files.write(tmp, lines, StandardCharsets.UTF_8);
        Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static JsonNode tree(String line) {
        try {
            JsonNode t = Json.tree(line.getBytes(StandardCharsets.UTF_8));
            return t != null && t.isObject() ? t : null;
        } catch (IOException e) {
            return null;
        }
    }
}
