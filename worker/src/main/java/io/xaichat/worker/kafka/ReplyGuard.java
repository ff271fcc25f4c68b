package io.xaichat.worker.kafka;

/**
 * Decides whether a job's answer may go to its reply topic: the {@link ReplyPolicy} first (pure, instant), then
 * whether the topic exists ({@link ReplyTopicResolver}, bounded and cached).
 */
public final class ReplyGuard {
    /** The decision for one reply topic. {@code retryLater}: the broker could not be asked; redo the job later. */
    public record Decision(boolean allowed, boolean retryLater, String reason) {
        static final Decision ALLOWED = new Decision(true, false, null);

        static Decision refused(String reason) {
            return new Decision(false, false, reason);
        }
    }

    private final ReplyPolicy policy;
    private final ReplyTopicResolver resolver;

    /** @param resolver null checks the policy only (tests without a broker) */
    public ReplyGuard(ReplyPolicy policy, ReplyTopicResolver resolver) {
        this.policy = policy;
        this.resolver = resolver;
    }

    public Decision check(String topic) {
        String refusal = policy.refusal(topic);
        if (refusal != null) return Decision.refused(refusal);
        if (resolver == null) return Decision.ALLOWED;
        return switch (resolver.existence(topic)) {
            case EXISTS -> Decision.ALLOWED;
            case MISSING -> Decision.refused("reply topic '" + topic + "' does not exist (or this worker may not "
                    + "describe it); the worker never creates topics: create it first");
            case UNKNOWN -> new Decision(false, true, "the broker did not say in time whether reply topic '"
                    + topic + "' exists");
        };
    }

    /** A send to {@code topic} failed: look it up again next time. */
    public void sendFailed(String topic) {
        if (resolver != null && topic != null) resolver.forget(topic);
    }
}
