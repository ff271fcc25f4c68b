package io.xaichat.worker.kafka;

import io.xaichat.schema.StreamChunk;
import io.xaichat.worker.engine.ChunkSink;

/**
 * Turns an engine's text pieces into numbered stream chunks, one chunk per {@code batchSize} pieces, and the
 * last one flagged final. Progress events (image steps) go out at once.
 */
final class StreamingSink implements ChunkSink {
    private final ReplyPublisher publisher;
    private final ReplyAddress to;
    private final int batchSize;
    private final StringBuilder pending = new StringBuilder();
    private int piecesPending;
    private long seq;

    StreamingSink(ReplyPublisher publisher, ReplyAddress to, int batchSize) {
        this.publisher = publisher;
        this.to = to;
        this.batchSize = batchSize;
    }

    @Override
    public void text(String delta) {
        pending.append(delta);
        if (++piecesPending >= batchSize) flush(false);
    }

    @Override
    public void progress(int step, int steps) {
        publisher.chunk(to, new StreamChunk(to.jobId(), seq++, "", false, new StreamChunk.Progress(step, steps)));
    }

    /** Sends what is left as the final chunk; a stream always ends with exactly one final chunk. */
    void finish() {
        flush(true);
    }

    private void flush(boolean last) {
        publisher.chunk(to, StreamChunk.text(to.jobId(), seq++, pending.toString(), last));
        pending.setLength(0);
        piecesPending = 0;
    }
}
