package io.xaichat.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.Json;
import io.xaichat.schema.RecordHeaders;
import io.xaichat.worker.engine.JobFailure;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** How the reply-routing headers and the body's reply_to combine into a reply address. */
class ReplyHeadersTest {

    private static ConsumerRecord<String, byte[]> record(String... headers) {
        ConsumerRecord<String, byte[]> r = new ConsumerRecord<>("jobs", 0, 7, "job-1", new byte[0]);
        for (int i = 0; i < headers.length; i += 2) {
            r.headers().add(headers[i], headers[i + 1] == null ? null : headers[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return r;
    }

    private static JsonNode body(String json) throws Exception {
        return Json.tree(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theHeaderAloneAddressesTheResultAndNoChunks() throws Exception {
        ConsumerRecord<String, byte[]> r = record(RecordHeaders.REPLY_TOPIC, "spring-replies");
        r.headers().add(RecordHeaders.REPLY_PARTITION, ByteBuffer.allocate(4).putInt(2).array());
        ReplyHeaders h = ReplyHeaders.of(r);
        JsonNode tree = body("{}");
        h.check(tree);
        ReplyAddress a = h.address(tree, "job-1", r);
        assertThat(a.topic()).isEqualTo("spring-replies");
        assertThat(a.partition()).isEqualTo(2);
        assertThat(a.streamTopic()).as("a request/reply client gets the result alone").isNull();
    }

    @Test
    void theBodyAloneAddressesResultAndChunksAsBefore() throws Exception {
        ConsumerRecord<String, byte[]> r = record();
        JsonNode tree = body("{\"reply_to\":\"mine\"}");
        ReplyHeaders.of(r).check(tree);
        ReplyAddress a = ReplyHeaders.of(r).address(tree, "job-1", r);
        assertThat(a.topic()).isEqualTo("mine");
        assertThat(a.streamTopic()).isEqualTo("mine");
        assertThat(a.partition()).isNull();
        assertThat(new String(a.correlationId(), StandardCharsets.UTF_8)).isEqualTo("job-1");
    }

    @Test
    void theStreamTopicHeaderNamesTheChunksTopic() throws Exception {
        ConsumerRecord<String, byte[]> r = record(RecordHeaders.REPLY_TOPIC, "replies", RecordHeaders.STREAM_TOPIC, "chunks");
        ReplyAddress a = ReplyHeaders.of(r).address(body("{}"), "job-1", r);
        assertThat(a.streamTopic()).isEqualTo("chunks");
        assertThat(a.streamPartition()).isNull();
    }

    @Test
    void conflictingMalformedOrMissingAddressesAreRefused() throws Exception {
        assertRefused(record(RecordHeaders.REPLY_TOPIC, "a"), "{\"reply_to\":\"b\"}", ErrorCode.REPLY_CONFLICT);
        assertRefused(record(RecordHeaders.REPLY_TOPIC, "a"), "{\"reply_to\":7}", ErrorCode.REPLY_CONFLICT);
        assertRefused(record(RecordHeaders.REPLY_TOPIC, "no spaces"), "{}", ErrorCode.INVALID_REQUEST);
        assertRefused(record(RecordHeaders.STREAM_TOPIC, ".."), "{\"reply_to\":\"b\"}", ErrorCode.INVALID_REQUEST);
        assertRefused(record(), "{}", ErrorCode.SCHEMA_VIOLATION);
        ConsumerRecord<String, byte[]> badPartition = record(RecordHeaders.REPLY_TOPIC, "a");
        badPartition.headers().add(RecordHeaders.REPLY_PARTITION, new byte[] {1, 2});
        assertRefused(badPartition, "{}", ErrorCode.INVALID_REQUEST);
        // The refusal still knows where to send the error result: the header's topic, without the bad partition.
        assertThat(ReplyHeaders.of(badPartition).address(body("{}"), "job-1", badPartition).partition()).isNull();
    }

    private static void assertRefused(ConsumerRecord<String, byte[]> r, String json, ErrorCode code) throws Exception {
        JsonNode tree = body(json);
        assertThatThrownBy(() -> ReplyHeaders.of(r).check(tree)).isInstanceOf(JobFailure.class)
                .satisfies(e -> assertThat(((JobFailure) e).code()).isEqualTo(code));
    }
}
