package io.xaichat.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeStateTest {
    @TempDir
    Path dir;

    private static final String OK_A = "{\"id\":\"batch_req_1\",\"custom_id\":\"a\",\"response\":{\"status_code\":200},\"error\":null}";
    private static final String FAILED_B = "{\"id\":\"batch_req_2\",\"custom_id\":\"b\",\"response\":null,\"error\":{\"code\":\"timeout\",\"message\":\"m\"}}";

    @Test
    void missingOutputAnswersNothing() throws Exception {
        assertThat(ResumeState.load(dir.resolve("none.jsonl"), false).answered()).isEmpty();
    }

    @Test
    void answeredAndFailedLinesAreBothSkippedByDefault() throws Exception {
        Path out = write(OK_A + "\n" + FAILED_B + "\n");
        ResumeState state = ResumeState.load(out, false);
        assertThat(state.answered()).containsExactlyInAnyOrder("a", "b");
        assertThat(state.tornBytes()).isZero();
        assertThat(Files.readString(out)).isEqualTo(OK_A + "\n" + FAILED_B + "\n");
    }

    @Test
    void retryingFailuresRemovesTheirLinesSoEachCustomIdKeepsOneLine() throws Exception {
        Path out = write(FAILED_B + "\n" + OK_A + "\n");
        ResumeState state = ResumeState.load(out, true);
        assertThat(state.answered()).containsExactly("a");
        assertThat(state.droppedErrorLines()).isEqualTo(1);
        assertThat(Files.readString(out)).isEqualTo(OK_A + "\n");
    }

    @Test
    void aTornLastLineIsCutAndItsCustomIdRunsAgain() throws Exception {
        String torn = "{\"id\":\"batch_req_3\",\"custom_id\":\"c\",\"resp";
        Path out = write(OK_A + "\n" + torn);
        ResumeState state = ResumeState.load(out, false);
        assertThat(state.answered()).containsExactly("a");
        assertThat(state.tornBytes()).isEqualTo(torn.getBytes(StandardCharsets.UTF_8).length);
        assertThat(Files.readString(out)).isEqualTo(OK_A + "\n");
    }

    @Test
    void aCompleteLastLineMissingOnlyItsNewlineIsKeptAndTerminated() throws Exception {
        Path out = write(OK_A + "\n" + FAILED_B);
        ResumeState state = ResumeState.load(out, false);
        assertThat(state.answered()).containsExactlyInAnyOrder("a", "b");
        assertThat(Files.readString(out)).isEqualTo(OK_A + "\n" + FAILED_B + "\n");
    }

    @Test
    void appendingAfterRepairKeepsTheFileValidJsonLines() throws Exception {
        Path out = write(OK_A + "\n{\"custom_id\":\"c\",\"respo");
        ResumeState.load(out, false);
        try (JsonlWriter w = JsonlWriter.append(out)) {
            w.write(io.xaichat.schema.Json.MAPPER.createObjectNode().put("custom_id", "c"));
        }
        assertThat(Files.readAllLines(out)).containsExactly(OK_A, "{\"custom_id\":\"c\"}");
    }

    private Path write(String content) throws Exception {
        Path out = dir.resolve("out.jsonl");
        Files.writeString(out, content);
        return out;
    }
}
