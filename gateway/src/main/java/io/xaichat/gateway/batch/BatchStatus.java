package io.xaichat.gateway.batch;

import java.util.Set;

/** OpenAI's batch lifecycle: validating → in_progress → finalizing → completed, or failed, expired, cancelling → cancelled. */
final class BatchStatus {
    static final String VALIDATING = "validating";
    static final String IN_PROGRESS = "in_progress";
    static final String FINALIZING = "finalizing";
    static final String COMPLETED = "completed";
    static final String FAILED = "failed";
    static final String EXPIRED = "expired";
    static final String CANCELLING = "cancelling";
    static final String CANCELLED = "cancelled";

    private static final Set<String> TERMINAL = Set.of(COMPLETED, FAILED, EXPIRED, CANCELLED);

    private BatchStatus() {}

    static boolean terminal(String status) {
        return TERMINAL.contains(status);
    }

    /** The batch object's timestamp field for entering {@code status}, e.g. {@code in_progress_at}. */
    static String timestampField(String status) {
        return status + "_at";
    }
}
