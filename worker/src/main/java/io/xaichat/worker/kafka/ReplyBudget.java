package io.xaichat.worker.kafka;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes one job may still publish (stream chunks and result together), so neither a long stream nor a large
 * echoed header can multiply one record into gigabytes of replies.
 */
public final class ReplyBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    public ReplyBudget(long limit) {
        this.limit = limit;
    }

    public static ReplyBudget unlimited() {
        return new ReplyBudget(Long.MAX_VALUE);
    }

    /** Takes {@code bytes} from the budget; false (and nothing taken) when they do not fit. */
    public boolean take(long bytes) {
        return takeWithin(bytes, limit);
    }

    /**
     * Takes {@code bytes} for a stream chunk: chunks may use only half the budget, so the result, which carries the
     * same text again, still fits after a long stream.
     */
    public boolean takeForStream(long bytes) {
        return takeWithin(bytes, limit / 2);
    }

    private boolean takeWithin(long bytes, long ceiling) {
        while (true) {
            long now = used.get();
            if (now + bytes > ceiling || now + bytes < 0) return false;
            if (used.compareAndSet(now, now + bytes)) return true;
        }
    }

    public long used() {
        return used.get();
    }

    public long limit() {
        return limit;
    }
}
