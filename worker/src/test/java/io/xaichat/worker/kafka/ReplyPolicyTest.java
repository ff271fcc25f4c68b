package io.xaichat.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.schema.JobKind;
import io.xaichat.schema.Topics;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyPolicyTest {
    private final Topics topics = new Topics("acme");
    private final ReplyPolicy defaults = new ReplyPolicy(topics, List.of());

    @Test
    void allowsTheDefaultReplyTopics() {
        assertThat(defaults.refusal("acme.replies.client-1")).isNull();
        assertThat(defaults.refusal("acme.replies.tenant.client")).isNull();
        assertThat(defaults.refusal("acme.results")).isNull();
    }

    @Test
    void refusesJobDeadLetterInternalAndInvalidTopicsWhateverIsAllowed() {
        ReplyPolicy permissive = new ReplyPolicy(topics, List.of("acme.*", "*.jobs.*", "__*x"));
        for (ReplyPolicy p : List.of(defaults, permissive)) {
            for (JobKind kind : JobKind.values()) assertThat(p.refusal(topics.jobs(kind))).contains("job topic");
            assertThat(p.refusal("acme.jobs.dlq")).contains("dead-letter");
            assertThat(p.refusal("acme.jobs.future-kind")).contains("job topics' namespace");
            assertThat(p.refusal("__consumer_offsets")).contains("internal");
            assertThat(p.refusal("__transaction_state")).contains("internal");
            assertThat(p.refusal(".")).contains("not a valid");
            assertThat(p.refusal("..")).contains("not a valid");
            assertThat(p.refusal("a b")).contains("not a valid");
            assertThat(p.refusal(null)).contains("not a valid");
            assertThat(p.refusal("x".repeat(250))).contains("not a valid");
        }
    }

    @Test
    void refusesTopicsOutsideTheAllowListAndAllowsConfiguredPatterns() {
        assertThat(defaults.refusal("acme.replies")).contains("matches none");
        assertThat(defaults.refusal("other.replies.x")).contains("matches none");
        assertThat(defaults.refusal("acme.resultsx")).contains("matches none");
        ReplyPolicy spring = new ReplyPolicy(topics, List.of("spring.replies.*", "exact-topic"));
        assertThat(spring.refusal("spring.replies.orders")).isNull();
        assertThat(spring.refusal("exact-topic")).isNull();
        assertThat(spring.refusal("exact-topic2")).contains("matches none");
        // '*' needs at least one character and matches topic characters only; '.' in a pattern is literal.
        assertThat(spring.refusal("spring.replies.")).contains("matches none");
        assertThat(spring.refusal("springXreplies.a")).contains("matches none");
    }
}
