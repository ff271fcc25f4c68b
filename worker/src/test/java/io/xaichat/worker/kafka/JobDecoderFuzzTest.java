package io.xaichat.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.SchemaValidator;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Fuzzes the job decoder with random bytes and with mutated valid jobs: it never throws, and every record decodes
 * to a runnable job or to a failure with a known error code and a job id to answer under (which
 * {@link JobProcessor} turns into an error result plus a dead-letter record).
 */
@Tag("faults")
class JobDecoderFuzzTest {
    private static final String TOPIC = "fuzz.jobs.chat";
    private static final int MAX_RECORD_BYTES = 4096;
    private static final SchemaValidator VALIDATOR = new SchemaValidator();
    private static final JobDecoder DECODER = new JobDecoder(VALIDATOR, JobKind.CHAT, "tiny", TOPIC, MAX_RECORD_BYTES, 4096);
    // The codes a worker may put on a result or dead letter (never a client's, never "unknown").
    private static final Set<ErrorCode> CODES = Arrays.stream(ErrorCode.values())
            .filter(c -> c.origin() == ErrorCode.Origin.WORKER).collect(Collectors.toSet());

    @Property(tries = 2000)
    void randomBytesNeverThrowAndAreRejected(@ForAll("randomBytes") byte[] value, @ForAll("keys") String key) {
        JobDecoder.Decoded decoded = DECODER.decode(record(key, value));
        assertWellFormed(decoded);
        // Random bytes only rarely form a JSON object, never a complete valid job.
        assertThat(decoded.ok()).isFalse();
    }

    @Property(tries = 2000)
    void mutatedValidJobsNeverThrow(@ForAll("mutatedJobs") byte[] value) {
        JobDecoder.Decoded decoded = DECODER.decode(record("k", value));
        assertWellFormed(decoded);
        if (decoded.ok()) {
            assertThat(decoded.job().kind()).isEqualTo(JobKind.CHAT);
            assertThat(decoded.job().jobId()).isNotEmpty();
            assertThat(decoded.address().jobId()).isEqualTo(decoded.job().jobId());
        }
    }

    @Property(tries = 300)
    void validJobsDecode(@ForAll("jobIds") String jobId, @ForAll("prompts") String prompt) {
        JobEnvelope job = JobEnvelope.of(jobId, JobKind.CHAT, "replies", ChatRequest.ofPrompt(prompt).withMaxTokens(4));
        JobDecoder.Decoded decoded = DECODER.decode(record("k", Json.toBytes(job)));
        assertThat(decoded.ok()).as("%s", decoded.failure()).isTrue();
        assertThat(decoded.job().jobId()).isEqualTo(jobId);
        assertThat(decoded.address().topic()).isEqualTo("replies");
    }

    private static void assertWellFormed(JobDecoder.Decoded decoded) {
        assertThat(decoded).isNotNull();
        assertThat(decoded.address()).isNotNull();
        assertThat(decoded.address().jobId()).isNotEmpty();
        assertThat(decoded.address().correlationId()).isNotNull();
        if (!decoded.ok()) {
            assertThat(decoded.job()).isNull();
            assertThat(CODES).contains(decoded.failure().code());
            assertThat(decoded.failure().code()).isNotEqualTo(ErrorCode.ENGINE_FAILURE); // no unexpected exception
            assertThat(decoded.failure().getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<byte[]> randomBytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(MAX_RECORD_BYTES + 100);
    }

    @Provide
    Arbitrary<String> keys() {
        return Arbitraries.strings().ofMaxLength(40).injectNull(0.3);
    }

    @Provide
    Arbitrary<String> jobIds() {
        return Arbitraries.strings().alpha().numeric().withChars("-_.").ofMinLength(1).ofMaxLength(60);
    }

    @Provide
    Arbitrary<String> prompts() {
        return Arbitraries.strings().ofMinLength(1).ofMaxLength(200);
    }

    /** A valid job, then one of: bytes flipped, cut short, a span deleted, a span duplicated, a value replaced. */
    @Provide
    Arbitrary<byte[]> mutatedJobs() {
        Arbitrary<byte[]> valid = Combinators.combine(jobIds(), prompts())
                .as((id, p) -> Json.toBytes(JobEnvelope.of(id, JobKind.CHAT, "replies",
                        ChatRequest.ofPrompt(p).withMaxTokens(4))));
        Arbitrary<Integer> where = Arbitraries.integers().between(0, 10_000);
        Arbitrary<Byte> bytes = Arbitraries.bytes();
        return Combinators.combine(valid, Arbitraries.integers().between(0, 5), where, where, bytes)
                .as((v, op, a, b, x) -> mutate(v, op, a % v.length, b % v.length, x));
    }

    private static byte[] mutate(byte[] v, int op, int a, int b, byte x) {
        int from = Math.min(a, b), to = Math.max(a, b);
        String s = new String(v, StandardCharsets.UTF_8);
        return switch (op) {
            case 0 -> { byte[] c = v.clone(); c[a] = x; c[b] ^= (byte) (1 << (x & 7)); yield c; }
            case 1 -> Arrays.copyOf(v, a);
            case 2 -> concat(Arrays.copyOfRange(v, 0, from), Arrays.copyOfRange(v, to, v.length));
            case 3 -> concat(Arrays.copyOfRange(v, 0, to), Arrays.copyOfRange(v, from, v.length));
            case 4 -> s.replaceFirst("\"(max_tokens|kind|job_id|reply_to|schema_version|created_at)\":[^,}]*",
                    "\"$1\":" + switch (x & 7) {
                        case 0 -> "null"; case 1 -> "-1"; case 2 -> "\"\""; case 3 -> "[]"; case 4 -> "{}";
                        case 5 -> "1e309"; case 6 -> "\"" + "x".repeat(300) + "\""; default -> "true";
                    }).getBytes(StandardCharsets.UTF_8);
            default -> s.replace("\"chat\"", "\"" + (char) ('a' + (x & 15)) + "\"").getBytes(StandardCharsets.UTF_8);
        };
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static ConsumerRecord<String, byte[]> record(String key, byte[] value) {
        return new ConsumerRecord<>(TOPIC, 0, 42, key, value);
    }

}
