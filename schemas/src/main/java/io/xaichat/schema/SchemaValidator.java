package io.xaichat.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.List;
import java.util.Set;

/**
 * Validates messages against the published schema files ({@code schemas/json}), loaded from the classpath:
 * the files non-Java producers read are the ones the worker enforces.
 */
public final class SchemaValidator {
    public static final String ID_PREFIX = "https://xaichat.io/schemas/";
    private static final String CLASSPATH_PREFIX = "classpath:xaichat/schemas/";

    private final JsonSchema job;
    private final JsonSchema result;
    private final JsonSchema chunk;

    public SchemaValidator() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                b -> b.schemaMappers(m -> m.mapPrefix(ID_PREFIX, CLASSPATH_PREFIX)));
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .formatAssertionsEnabled(true)
                .build();
        job = load(factory, config, "job.schema.json");
        result = load(factory, config, "result.schema.json");
        chunk = load(factory, config, "stream-chunk.schema.json");
    }

    private static JsonSchema load(JsonSchemaFactory factory, SchemaValidatorsConfig config, String file) {
        JsonSchema schema = factory.getSchema(com.networknt.schema.SchemaLocation.of(ID_PREFIX + file), config);
        schema.initializeValidators(); // fail at start, not on the first message, if a file is broken
        return schema;
    }

    /** Violations of the job schema, each as "path: message"; empty when valid. */
    public List<String> validateJob(JsonNode node) {
        return describe(job.validate(node));
    }

    public List<String> validateResult(JsonNode node) {
        return describe(result.validate(node));
    }

    public List<String> validateChunk(JsonNode node) {
        return describe(chunk.validate(node));
    }

    private static List<String> describe(Set<ValidationMessage> messages) {
        return messages.stream().map(ValidationMessage::getMessage).sorted().toList();
    }
}
