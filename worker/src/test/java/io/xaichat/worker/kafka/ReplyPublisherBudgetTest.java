package io.xaichat.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.TextNode;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.ResultStatus;
import io.xaichat.schema.StreamChunk;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The bytes one job publishes are bounded: chunks take at most half, the result must fit in what is left. */
class ReplyPublisherBudgetTest {
    private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
            new ByteArraySerializer());
    private final ReplyPublisher publisher = new ReplyPublisher(producer, "w", "p.jobs.dlq", Duration.ofSeconds(5));

    private static ReplyAddress address(long budget) {
        return new ReplyAddress("p.replies.t", "job", "job".getBytes(StandardCharsets.UTF_8)).withBudget(budget);
    }

    private static ResultEnvelope ok(String text) {
        return new ResultEnvelope("job", ResultStatus.OK, JobKind.CHAT, TextNode.valueOf(text), null, null, false, "w",
                "m", "stop", null);
    }

    @Test
    void chunksStopAtHalfTheBudgetButTheFinalChunkStillEndsTheStream() throws Exception {
        ReplyAddress to = address(8192);
        for (int i = 0; i < 200; i++) publisher.chunk(to, StreamChunk.text("job", i, "some text ", false));
        publisher.chunk(to, StreamChunk.text("job", 200, "the end", true));
        long chunkBytes = producer.history().stream().mapToLong(ReplyPublisher::size).sum();
        ProducerRecord<String, byte[]> last = producer.history().get(producer.history().size() - 1);
        assertThat(new String(last.value(), StandardCharsets.UTF_8)).contains("\"final\":true");
        assertThat(chunkBytes - ReplyPublisher.size(last)).isLessThanOrEqualTo(4096);
        assertThat(producer.history()).hasSizeLessThan(60);
        publisher.result(to, ok("x".repeat(1000)));
        assertThat(to.budget().used()).isLessThanOrEqualTo(8192);
    }

    @Test
    void aResultLargerThanWhatIsLeftIsRefusedButErrorResultsAlwaysGoOut() throws Exception {
        ReplyAddress to = address(4096);
        assertThatThrownBy(() -> publisher.result(to, ok("x".repeat(5000)))).isInstanceOf(OutputTooLargeException.class)
                .hasMessageContaining("--max-reply-bytes");
        assertThat(producer.history()).isEmpty();
        publisher.result(to, ResultEnvelope.error("job", JobKind.CHAT, "w", io.xaichat.schema.ErrorCode.OUTPUT_TOO_LARGE, "too large"));
        assertThat(producer.history()).hasSize(1);
    }
}
