package io.xaichat.worker.kafka;

import io.xaichat.worker.logging.LogText;
import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.RecordHeaders;
import io.xaichat.schema.SchemaValidator;
import io.xaichat.worker.engine.JobFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one job record: size limit, JSON, schema, kind and model checks, and where its answer goes. Pure (no I/O):
 * whatever the bytes, it returns a job to run or a failure with the best reply address it could find.
 */
public final class JobDecoder {
    private static final Logger log = LoggerFactory.getLogger(JobDecoder.class);
    private static final java.util.regex.Pattern TOPIC_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,249}");

    private static final java.util.regex.Pattern JOB_ID = java.util.regex.Pattern.compile("[A-Za-z0-9._:@/+=-]{1,200}");

    private final JobSchemaCheck schema;
    private final JobKind kind;
    private final String modelId;
    private final String jobTopic;
    private final int maxRecordBytes;
    private final int maxTokens;

    /** What a record decoded to: {@code job} when it can run, else {@code failure}; {@code address} always. */
    public record Decoded(ReplyAddress address, JobEnvelope job, JobFailure failure) {
        public boolean ok() {
            return failure == null;
        }
    }

    public JobDecoder(SchemaValidator validator, JobKind kind, String modelId, String jobTopic, int maxRecordBytes,
                      int maxTokens) {
        this.schema = new JobSchemaCheck(validator);
        this.kind = kind;
        this.modelId = modelId;
        this.jobTopic = jobTopic;
        this.maxRecordBytes = maxRecordBytes;
        this.maxTokens = maxTokens;
    }

    public Decoded decode(ConsumerRecord<String, byte[]> record) {
        ReplyHeaders headers = ReplyHeaders.of(record);
        ReplyAddress address = headers.address(null, fallbackJobId(record), record);
        try {
            JsonNode tree = parse(record);
            address = headers.address(tree, jobIdOf(tree, address.jobId()), record);
            headers.check(tree);
            checkCorrelationId(record);
            JobEnvelope job = validate(tree, record.value().length);
            return new Decoded(headers.address(tree, job.jobId(), record), job, null);
        } catch (JobFailure f) {
            return new Decoded(address, null, f);
        } catch (RuntimeException e) {
            log.error("job {} failed unexpectedly", LogText.clip(address.jobId()), e);
            return new Decoded(address, null, new JobFailure(ErrorCode.ENGINE_FAILURE, "internal error: " + e, e));
        }
    }

    private JsonNode parse(ConsumerRecord<String, byte[]> record) throws JobFailure {
        byte[] value = record.value();
        if (value == null || value.length == 0) throw new JobFailure(ErrorCode.MALFORMED_JSON, "empty record");
        if (value.length > maxRecordBytes) {
            throw new JobFailure(ErrorCode.RECORD_TOO_LARGE,
                    "record of " + value.length + " bytes exceeds the limit of " + maxRecordBytes + " bytes");
        }
        long total = RecordLimits.totalBytes(record);
        if (total > maxRecordBytes) {
            throw new JobFailure(ErrorCode.RECORD_TOO_LARGE, "record of " + total + " bytes with its key and headers"
                    + " exceeds the limit of " + maxRecordBytes + " bytes");
        }

        try {
            JsonNode tree = Json.tree(value);
            if (tree == null || !tree.isObject()) throw new JobFailure(ErrorCode.MALFORMED_JSON, "job is not a JSON object");
            return tree;
        } catch (IOException e) {
            throw new JobFailure(ErrorCode.MALFORMED_JSON, "malformed JSON: " + firstLine(e.getMessage()));
        }
    }

    // After the reply address is known, so the sender learns why (under its job id, not the long header).
    private static void checkCorrelationId(ConsumerRecord<String, byte[]> record) throws JobFailure {
        int correlation = RecordLimits.oversizedCorrelationId(record);
        if (correlation >= 0) {
            throw new JobFailure(ErrorCode.HEADER_TOO_LARGE, "header " + RecordHeaders.CORRELATION_ID + " is "
                    + correlation + " bytes; at most " + RecordLimits.MAX_CORRELATION_ID_BYTES + " are accepted");
        }
    }

    private JobEnvelope validate(JsonNode tree, int recordBytes) throws JobFailure {
        JsonNode kindNode = tree.get("kind");
        if (kindNode != null && kindNode.isTextual() && JobKind.find(kindNode.asText()) == null) {
            throw new JobFailure(ErrorCode.UNKNOWN_KIND, "unknown kind '" + LogText.clip(kindNode.asText())
                    + "' (expected " + JobKind.names() + ")");
        }
        List<String> problems;
        JobEnvelope job;
        try {
            JobSchemaCheck.Checked checked = schema.read(tree, recordBytes);
            problems = checked.problems();
            job = checked.job();
        } catch (RuntimeException e) {
            // e.g. a number beyond double range (1e309) makes the validator's const check throw
            throw new JobFailure(ErrorCode.SCHEMA_VIOLATION, "job does not match job.schema.json: " + e.getMessage(), e);
        }
        if (!problems.isEmpty()) {
            throw new JobFailure(ErrorCode.SCHEMA_VIOLATION, "job does not match job.schema.json: " + String.join("; ", problems));
        }
        if (job.kind() != kind) {
            throw new JobFailure(ErrorCode.WRONG_TOPIC, "a " + job.kind().wireName() + " job on " + jobTopic
                    + ", which carries " + kind.wireName() + " jobs");
        }
        if (job.model() != null && !job.model().equals(modelId)) {
            throw new JobFailure(ErrorCode.MODEL_MISMATCH, "job asks for model '" + LogText.clip(job.model())
                    + "' but this worker serves '" + modelId + "' for " + kind.wireName() + " jobs");
        }
        JsonNode requested = job.request().get("max_tokens");
        if (requested != null && requested.canConvertToLong() && requested.asLong() > maxTokens) {
            throw new JobFailure(ErrorCode.INVALID_REQUEST, "max_tokens " + requested.asLong()
                    + " exceeds this worker's limit of " + maxTokens + " (XAICHAT_MAX_TOKENS_LIMIT)");
        }
        return job;
    }

    private static String fallbackJobId(ConsumerRecord<String, byte[]> record) {
        return record.key() != null && !record.key().isEmpty() && record.key().length() <= 200 ? record.key()
                : record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    private static String jobIdOf(JsonNode tree, String fallback) {
        JsonNode jobId = tree.get("job_id");
        // Only a job_id the schema would accept: a newline in it must not become a reply record's key.
        return jobId != null && jobId.isTextual() && JOB_ID.matcher(jobId.asText()).matches() ? jobId.asText() : fallback;
    }

    static boolean validTopic(String topic) {
        return topic != null && TOPIC_NAME.matcher(topic).matches() && !topic.equals(".") && !topic.equals("..");
    }

    static byte[] correlationId(ConsumerRecord<String, byte[]> record, String jobId) {
        return RecordLimits.correlationId(record, jobId);
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
