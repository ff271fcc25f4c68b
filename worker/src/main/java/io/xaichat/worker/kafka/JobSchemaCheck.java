package io.xaichat.worker.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.Json;
import io.xaichat.schema.SchemaValidator;
import io.xaichat.worker.cache.RecentEntries;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * job.schema.json, checked as fast as a stream of near-identical jobs allows. Jobs of one batch usually differ only
 * in {@code job_id}, {@code created_at} and {@code deadline}; the schema checks those three on their own (no rule
 * of it relates them to any other field). So a job is valid exactly when each of the three is valid under its own
 * property schema and the rest of the job — its "shape", the job with the three set to fixed valid values — is.
 * Shapes found valid by the full validator are remembered with the job they read to (a bounded set; compared by
 * value, not by hash), and a job of a remembered shape costs three small checks and a copy instead of a full
 * validation and reading. Anything else, and every invalid job, goes through the full validator, whose messages
 * the error result carries.
 */
final class JobSchemaCheck {
    private static final String SCHEMA = "xaichat/schemas/job.schema.json";
    /** The fields checked on their own, each with a value its property schema accepts. */
    private static final Map<String, TextNode> PLACEHOLDERS = Map.of(
            "job_id", TextNode.valueOf("x"),
            "created_at", TextNode.valueOf("2000-01-01T00:00:00Z"),
            "deadline", TextNode.valueOf("2000-01-01T00:00:00Z"));
    /** Larger jobs (images) are rare in bulk and costly to keep: validated in full. */
    static final int MAX_REMEMBERED_BYTES = 16 * 1024;
    private static final int REMEMBERED_SHAPES = 256;

    private final SchemaValidator validator;
    private final Map<String, JsonSchema> fieldSchemas = new LinkedHashMap<>();
    private final RecentEntries<JsonNode, JobEnvelope> validShapes = new RecentEntries<>(REMEMBERED_SHAPES);

    JobSchemaCheck(SchemaValidator validator) {
        this.validator = validator;
        JsonNode properties = readSchema().path("properties");
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        // The same format assertions as the full validator (date-time is checked, not just annotated).
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        for (String field : PLACEHOLDERS.keySet()) {
            JsonNode schema = properties.get(field);
            if (schema == null) throw new IllegalStateException(SCHEMA + " has no property " + field);
            JsonSchema compiled = factory.getSchema(schema, config);
            if (!compiled.validate(PLACEHOLDERS.get(field)).isEmpty()) {
                throw new IllegalStateException("placeholder for " + field + " does not match " + SCHEMA);
            }
            fieldSchemas.put(field, compiled);
        }
        if (fieldSchemas.get("created_at").validate(TextNode.valueOf("not a date")).isEmpty()) {
            throw new IllegalStateException("date-time formats are not asserted: the check would differ from " + SCHEMA);
        }
    }

    /** A job read from its tree, or, when the tree does not match the schema, the validator's messages. */
    record Checked(JobEnvelope job, List<String> problems) {}

    /**
     * Validates and reads a job: {@code problems} as {@link SchemaValidator#validateJob} gives them (empty when
     * valid), and then the job as {@link Json#convert} reads it. A job of a remembered shape is read from the
     * shape's job with its own three fields put in.
     */
    Checked read(JsonNode tree, int recordBytes) {
        ObjectNode shape = recordBytes <= MAX_REMEMBERED_BYTES ? shapeOf(tree) : null;
        if (shape != null && fieldsValid(tree)) {
            JobEnvelope template = validShapes.get(shape);
            if (template != null) return new Checked(withOwnFields(template, tree), List.of());
        }
        List<String> problems = validator.validateJob(tree);
        if (!problems.isEmpty()) return new Checked(null, problems);
        JobEnvelope job = Json.convert(tree, JobEnvelope.class);
        if (shape != null) {
            // Valid as a whole, so valid with the placeholders too: the three fields are independent of the rest.
            // A copy: the memory must not change if anyone later changes the job's tree.
            ObjectNode kept = shape.deepCopy();
            validShapes.put(kept, Json.convert(kept, JobEnvelope.class));
        }
        return new Checked(job, List.of());
    }

    private static JobEnvelope withOwnFields(JobEnvelope t, JsonNode tree) {
        return new JobEnvelope(t.schemaVersion(), tree.get("job_id").asText(), t.kind(), t.replyTo(),
                instant(tree.get("created_at")), instant(tree.get("deadline")), t.model(), t.cache(), t.request(),
                t.cacheScope());
    }

    // java.time reads an RFC 3339 instant (the schema checked the format) to the same Instant as the mapper's
    // module does, at a fraction of the cost; anything it refuses is read by the mapper, as the whole job would be.
    private static Instant instant(JsonNode node) {
        if (node == null) return null;
        try {
            return Instant.parse(node.asText());
        } catch (java.time.format.DateTimeParseException e) {
            return Json.convert(node, Instant.class);
        }
    }

    /** The job with the three fields replaced (a shallow copy); null when one is not a string (full check). */
    private static ObjectNode shapeOf(JsonNode tree) {
        if (!(tree instanceof ObjectNode object)) return null;
        ObjectNode shape = Json.MAPPER.createObjectNode();
        for (java.util.Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            TextNode placeholder = PLACEHOLDERS.get(e.getKey());
            if (placeholder != null && !e.getValue().isTextual()) return null;
            shape.set(e.getKey(), placeholder != null ? placeholder : e.getValue());
        }
        return shape;
    }

    private boolean fieldsValid(JsonNode tree) {
        for (Map.Entry<String, JsonSchema> f : fieldSchemas.entrySet()) {
            JsonNode value = tree.get(f.getKey());
            if (value != null && !f.getValue().validate(value).isEmpty()) return false;
        }
        return true;
    }

    private static JsonNode readSchema() {
        try (InputStream in = JobSchemaCheck.class.getClassLoader().getResourceAsStream(SCHEMA)) {
            if (in == null) throw new IllegalStateException(SCHEMA + " is not on the classpath");
            return Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
