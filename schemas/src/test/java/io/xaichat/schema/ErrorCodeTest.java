package io.xaichat.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {
    private static final Path README = Path.of("..", "README.md");
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z_]+)` \\| (worker|client) \\|.*\\|$");

    @Test
    void readmeListsEveryCodeWithItsOrigin() throws IOException {
        String text = Files.readString(README);
        int start = text.indexOf("<!-- error-codes:start -->");
        int end = text.indexOf("<!-- error-codes:end -->");
        assertThat(start).as("README error-code markers").isPositive();
        assertThat(end).isGreaterThan(start);
        Map<String, String> documented = new LinkedHashMap<>();
        for (String line : text.substring(start, end).split("\n")) {
            Matcher m = ROW.matcher(line.strip());
            if (m.matches()) documented.put(m.group(1), m.group(2));
        }
        Map<String, String> defined = Arrays.stream(ErrorCode.values()).collect(Collectors.toMap(ErrorCode::wire,
                c -> c.origin().name().toLowerCase(), (a, b) -> a, LinkedHashMap::new));
        assertThat(documented).containsExactlyEntriesOf(defined);
    }

    @Test
    void wireValuesAreTheLowerCaseNamesAndRoundTrip() {
        assertThat(ErrorCode.MODEL_MISMATCH.wire()).isEqualTo("model_mismatch");
        assertThat(ErrorCode.SUBMIT_FAILED.wire()).isEqualTo("submit_failed");
        for (ErrorCode c : ErrorCode.values()) assertThat(ErrorCode.fromWire(c.wire())).isSameAs(c);
    }

    @Test
    void resultsCarryTheWireStringAndUnknownCodesStayReadable() throws IOException {
        ResultEnvelope error = ResultEnvelope.error("j1", JobKind.CHAT, "w", ErrorCode.REPLY_CONFLICT, "differ");
        String json = Json.toString(error);
        assertThat(Json.tree(json.getBytes()).at("/error/code").asText()).isEqualTo("reply_conflict");
        assertThat(new SchemaValidator().validateResult(Json.tree(json.getBytes()))).isEmpty();
        assertThat(Json.MAPPER.readValue(json, ResultEnvelope.class).error().code()).isEqualTo(ErrorCode.REPLY_CONFLICT);

        String newer = "{\"job_id\":\"j2\",\"status\":\"error\",\"error\":{\"code\":\"gpu_melted\",\"message\":\"m\"}}";
        ResultEnvelope parsed = Json.MAPPER.readValue(newer, ResultEnvelope.class);
        assertThat(parsed.error().code()).isEqualTo(ErrorCode.UNKNOWN);
        assertThat(parsed.error().message()).isEqualTo("m");
    }
}
