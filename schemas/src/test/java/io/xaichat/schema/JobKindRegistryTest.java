package io.xaichat.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON Schemas name the same kinds, with the same request schemas, as the {@link JobKind} registry. */
class JobKindRegistryTest {
    private static final Path DIR = Path.of("json");

    @Test
    void jobSchemaAppliesEachKindsRequestSchema() throws IOException {
        JsonNode job = read("job.schema.json");
        assertThat(texts(job.at("/properties/kind/enum"))).containsExactlyElementsOf(wireNames());
        Map<String, String> refs = new LinkedHashMap<>();
        for (JsonNode clause : job.get("allOf")) {
            refs.put(clause.at("/if/properties/kind/const").asText(),
                    clause.at("/then/properties/request/$ref").asText());
        }
        Map<String, String> registered = new LinkedHashMap<>();
        for (JobKind k : JobKind.values()) registered.put(k.wireName(), k.requestSchema());
        assertThat(refs).containsExactlyEntriesOf(registered);
        for (JobKind k : JobKind.values()) assertThat(DIR.resolve(k.requestSchema())).isRegularFile();
    }

    @Test
    void resultSchemaNamesTheSameKinds() throws IOException {
        assertThat(texts(read("result.schema.json").at("/properties/kind/enum"))).containsExactlyElementsOf(wireNames());
    }

    @Test
    void everyKindHasATopicATimeoutAndARequestType() {
        Topics topics = Topics.defaults();
        for (JobKind k : JobKind.values()) {
            assertThat(topics.jobs(k)).isEqualTo("xaichat.jobs." + k.wireName());
            assertThat(k.defaultTimeout()).isPositive();
            assertThat(k.requestType().isRecord()).isTrue();
            assertThat(JobKind.fromWire(k.wireName())).isSameAs(k);
        }
        assertThat(JobKind.find("audio")).isNull();
        assertThat(JobKind.names()).isEqualTo("chat, vision or image");
    }

    private static List<String> wireNames() {
        return Arrays.stream(JobKind.values()).map(JobKind::wireName).toList();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static JsonNode read(String file) throws IOException {
        return Json.tree(Files.readAllBytes(DIR.resolve(file)));
    }
}
