package io.xaichat.worker.kafka;

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

    private final SchemaValidator validator;
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
        this.validator = validator;
        this.kind = kind;
        this.modelId = modelId;
        this.jobTopic = jobTopic;
        this.maxRecordBytes = maxRecordBytes;
        this.maxTokens = maxTokens;
    }

    public Decoded decode(ConsumerRecord<String, byte[]> record) {
        ReplyAddress address = addressFromHeaders(record);
        try {
            JsonNode tree = parse(record);
            address = addressFromTree(tree, record, address);
            JobEnvelope job = validate(tree);
            return new Decoded(new ReplyAddress(job.replyTo(), job.jobId(), correlationId(record, job.jobId())), job, null);
        } catch (JobFailure f) {
            return new Decoded(address, null, f);
        } catch (RuntimeException e) {
            log.error("job {} failed unexpectedly", address.jobId(), e);
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
        try {
            JsonNode tree = Json.tree(value);
            if (tree == null || !tree.isObject()) throw new JobFailure(ErrorCode.MALFORMED_JSON, "job is not a JSON object");
            return tree;
        } catch (IOException e) {
            throw new JobFailure(ErrorCode.MALFORMED_JSON, "malformed JSON: " + firstLine(e.getMessage()));
        }
    }

    private JobEnvelope validate(JsonNode tree) throws JobFailure {
        JsonNode kindNode = tree.get("kind");
        if (kindNode != null && kindNode.isTextual()
                && List.of("chat", "vision", "image").stream().noneMatch(kindNode.asText()::equals)) {
            throw new JobFailure(ErrorCode.UNKNOWN_KIND, "unknown kind '" + kindNode.asText() + "' (expected chat, vision or image)");
        }
        List<String> problems;
        JobEnvelope job;
        try {
            problems = validator.validateJob(tree);
            job = problems.isEmpty() ? Json.convert(tree, JobEnvelope.class) : null;
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
            throw new JobFailure(ErrorCode.MODEL_MISMATCH, "job asks for model '" + job.model()
                    + "' but this worker serves '" + modelId + "' for " + kind.wireName() + " jobs");
        }
        JsonNode requested = job.request().get("max_tokens");
        if (requested != null && requested.canConvertToLong() && requested.asLong() > maxTokens) {
            throw new JobFailure(ErrorCode.INVALID_REQUEST, "max_tokens " + requested.asLong()
                    + " exceeds this worker's limit of " + maxTokens + " (XAICHAT_MAX_TOKENS_LIMIT)");
        }
        return job;
    }

    // Address of a record we cannot read (yet): Spring-style headers, else the record key.
    private static ReplyAddress addressFromHeaders(ConsumerRecord<String, byte[]> record) {
        String topic = headerText(record, RecordHeaders.REPLY_TOPIC);
        String jobId = record.key() != null && !record.key().isEmpty() ? record.key()
                : record.topic() + "-" + record.partition() + "@" + record.offset();
        return new ReplyAddress(validTopic(topic) ? topic : null, jobId, correlationId(record, jobId));
    }

    private static ReplyAddress addressFromTree(JsonNode tree, ConsumerRecord<String, byte[]> record, ReplyAddress known) {
        JsonNode replyTo = tree.get("reply_to");
        JsonNode jobId = tree.get("job_id");
        String topic = replyTo != null && replyTo.isTextual() && validTopic(replyTo.asText()) ? replyTo.asText() : known.topic();
        String id = jobId != null && jobId.isTextual() && !jobId.asText().isEmpty() && jobId.asText().length() <= 200
                ? jobId.asText() : known.jobId();
        return new ReplyAddress(topic, id, correlationId(record, id));
    }

    private static boolean validTopic(String topic) {
        return topic != null && TOPIC_NAME.matcher(topic).matches() && !topic.equals(".") && !topic.equals("..");
    }

    static byte[] correlationId(ConsumerRecord<String, byte[]> record, String jobId) {
        Header h = record.headers().lastHeader(RecordHeaders.CORRELATION_ID);
        return h != null && h.value() != null ? h.value() : jobId.getBytes(StandardCharsets.UTF_8);
    }

    private static String headerText(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
