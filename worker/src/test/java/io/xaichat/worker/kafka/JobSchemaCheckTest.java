package io.xaichat.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.SchemaValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The remembered-shape check gives the full validator's verdict on every job, however warm its memory is. */
class JobSchemaCheckTest {
    private static final SchemaValidator VALIDATOR = new SchemaValidator();

    private static ObjectNode valid(String id) {
        JobEnvelope job = JobEnvelope.of(id, JobKind.CHAT, "xaichat.replies.t",
                ChatRequest.ofPrompt("Say hello").withTemperature(0).withMaxTokens(8));
        return (ObjectNode) Json.MAPPER.valueToTree(job);
    }

    private static List<String> problems(JobSchemaCheck check, ObjectNode job, int bytes) {
        JobSchemaCheck.Checked checked = check.read(job, bytes);
        if (checked.problems().isEmpty()) {
            assertThat(checked.job()).as("read as the full reading reads it")
                    .isEqualTo(Json.convert(job, JobEnvelope.class));
        }
        return checked.problems();
    }

    @Test
    void aRememberedShapeStillHasItsOwnFieldsChecked() {
        JobSchemaCheck check = new JobSchemaCheck(VALIDATOR);
        assertThat(problems(check, valid("a"), 100)).isEmpty(); // remembered from here on
        assertThat(problems(check, valid("b"), 100)).isEmpty();

        ObjectNode badId = valid("c").put("job_id", "has a space");
        ObjectNode badCreated = valid("d").put("created_at", "yesterday");
        ObjectNode badDeadline = valid("e").put("deadline", "2026-13-45T99:00:00Z");
        ObjectNode idNotText = valid("f");
        idNotText.put("job_id", 7);
        for (ObjectNode bad : List.of(badId, badCreated, badDeadline, idNotText)) {
            assertThat(problems(check, bad, 100)).as(bad.toString()).isNotEmpty()
                    .isEqualTo(VALIDATOR.validateJob(bad));
        }
        ObjectNode badRequest = valid("g");
        ((ObjectNode) badRequest.get("request")).put("temperature", "hot");
        assertThat(problems(check, badRequest, 100)).isEqualTo(VALIDATOR.validateJob(badRequest)).isNotEmpty();
        ObjectNode extra = valid("h").put("surprise", true);
        assertThat(problems(check, extra, 100)).isNotEmpty();
    }

    @Test
    void agreesWithTheFullValidatorOnRandomVariants() {
        JobSchemaCheck check = new JobSchemaCheck(VALIDATOR);
        Random random = new Random(12);
        String[] ids = {"job-1", "job-2", "", "a b", "x".repeat(201), "ok:@/+=-._"};
        String[] instants = {"2026-12-03T16:00:00Z", "2026-12-03T16:00:00.123456789Z", "2026-12-03 16:00", "", "Z",
            "2026-12-03T17:00:00+01:00", "2026-12-03t16:00:00z", "2026-12-31T23:59:60Z", "1969-12-31T23:59:59.5-00:30"};
        List<String> disagreements = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            ObjectNode job = valid("v" + i);
            if (random.nextInt(3) == 0) job.put("job_id", ids[random.nextInt(ids.length)]);
            if (random.nextInt(3) == 0) job.put("created_at", instants[random.nextInt(instants.length)]);
            if (random.nextInt(3) == 0) job.put("deadline", instants[random.nextInt(instants.length)]);
            if (random.nextInt(6) == 0) job.remove("created_at");
            if (random.nextInt(6) == 0) ((ObjectNode) job.get("request")).put("max_tokens", random.nextInt(3) - 1);
            boolean full = VALIDATOR.validateJob(job).isEmpty();
            boolean fast = problems(check, job, 200).isEmpty();
            if (full != fast) disagreements.add(job + " full=" + full + " fast=" + fast);
        }
        assertThat(disagreements).isEmpty();
    }
}
