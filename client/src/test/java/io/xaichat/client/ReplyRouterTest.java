package io.xaichat.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.ResultStatus;
import io.xaichat.schema.StreamChunk;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ReplyRouterTest {
    private final ReplyRouter router = new ReplyRouter();

    private static byte[] result(String jobId, String text) {
        return Json.toBytes(new ResultEnvelope(jobId, ResultStatus.OK, JobKind.CHAT,
                Json.MAPPER.getNodeFactory().textNode(text), null, null, false, "w", "m", "stop", null));
    }

    private static byte[] chunk(String jobId, long seq, String delta, boolean last) {
        return Json.toBytes(StreamChunk.text(jobId, seq, delta, last));
    }

    @Test
    void chunksReachTheCallbackOnceEachInSeqOrder() {
        List<String> seen = new ArrayList<>();
        router.register("j", c -> seen.add(c.seq() + ":" + c.delta() + (c.last() ? "!" : "")));
        router.chunk("j", chunk("j", 1, "b", false));
        router.chunk("j", chunk("j", 0, "a", false));
        router.chunk("j", chunk("j", 0, "a", false)); // redelivered job streaming again
        router.chunk("j", chunk("j", 2, "c", true));
        router.chunk("j", chunk("j", 1, "b", false));
        assertThat(seen).containsExactly("0:a", "1:b", "2:c!");
    }

    @Test
    void theFirstResultCompletesTheJobAndASecondIsDroppedAndCounted() throws Exception {
        CompletableFuture<ResultEnvelope> f = router.register("j", null);
        router.result("j", result("j", "first"));
        router.result("j", result("j", "second"));
        assertThat(f.get().text()).isEqualTo("first");
        assertThat(router.stats().duplicatesDropped()).isEqualTo(1);
        assertThat(router.stats().answered()).isEqualTo(1);
        assertThat(router.waiting()).isZero();
    }

    @Test
    void aTimedOutJobFailsWithTheTimeoutAndItsLateAnswerIsCounted() {
        CompletableFuture<ResultEnvelope> f = router.register("j", null);
        assertThat(router.timeOut("j", new JobTimeoutException("j", Duration.ofMinutes(10), "replies"))).isTrue();
        router.result("j", result("j", "late"));
        assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(JobTimeoutException.class)
                .hasMessageContaining("no result for job j within 10m on reply topic replies");
        assertThat(router.stats().lateResults()).isEqualTo(1);
        assertThat(router.stats().timedOut()).isEqualTo(1);
    }

    @Test
    void answersForJobsOfOtherClientsAreIgnoredAndCounted() {
        CompletableFuture<ResultEnvelope> mine = router.register("mine", null);
        router.result("theirs", result("theirs", "x"));
        router.chunk("theirs", chunk("theirs", 0, "x", true));
        assertThat(mine).isNotDone();
        assertThat(router.stats().foreignRecords()).isEqualTo(1);
    }

    @Test
    void aJobIdCannotWaitTwice() {
        router.register("j", null);
        assertThatThrownBy(() -> router.register("j", null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("job j is already waiting");
    }

    @Test
    void aFailingCallbackDoesNotStopLaterChunksOrTheResult() throws Exception {
        List<Long> seen = new ArrayList<>();
        CompletableFuture<ResultEnvelope> f = router.register("j", c -> {
            seen.add(c.seq());
            if (c.seq() == 0) throw new IllegalStateException("boom");
        });
        router.chunk("j", chunk("j", 0, "a", false));
        router.chunk("j", chunk("j", 1, "b", true));
        router.result("j", result("j", "ab"));
        assertThat(seen).containsExactly(0L, 1L);
        assertThat(f.get().text()).isEqualTo("ab");
    }
}
