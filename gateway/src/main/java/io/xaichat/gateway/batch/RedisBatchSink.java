package io.xaichat.gateway.batch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.bulk.BulkSink;
import io.xaichat.gateway.metrics.GatewayMetrics;
import io.xaichat.schema.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * The bulk runner's lines for a batch, into Redis: answers to the output list, failures and invalid lines to the
 * errors list, each keyed once (by custom_id) so a resumed run or a racing gateway never doubles a line.
 */
final class RedisBatchSink implements BulkSink {
    private final BatchStore store;
    private final BatchStore.Ref ref;
    private final GatewayMetrics metrics;
    private volatile boolean closed;

    RedisBatchSink(BatchStore store, BatchStore.Ref ref, GatewayMetrics metrics) {
        this.store = store;
        this.ref = ref;
        this.metrics = metrics;
    }

    @Override
    public boolean answered(ObjectNode line) {
        return record(line.path("custom_id").asText(), false, line, "completed");
    }

    @Override
    public boolean failed(ObjectNode line, int inputLine) {
        ObjectNode withLine = line.deepCopy().put("line", inputLine);
        return record(line.path("custom_id").asText(), true, withLine, "failed");
    }

    @Override
    public void invalid(ObjectNode line) {
        record("line:" + line.path("line").asInt(), true, line, "failed");
    }

    /** Warnings go to the batch's error file beside failures, but are not counted as failed requests. */
    @Override
    public void warned(ObjectNode line) {
        if (closed) return;
        try {
            store.warn(ref, Json.toString(line));
        } catch (JedisException e) {
            throw new UncheckedIOException(new IOException("cannot record a warning of batch " + ref + " in Redis: "
                    + e.getMessage(), e));
        }
    }

    /** Lines arriving later (answers to jobs in flight when the run stopped) are dropped; a rerun asks again. */
    void close() {
        closed = true;
    }

    private boolean record(String key, boolean error, ObjectNode line, String outcome) {
        if (closed) return false;
        try {
            if (store.record(ref, key, error, Json.toString(line))) metrics.batchLine(outcome);
            return true;
        } catch (JedisException e) {
            // The runner stops on a write failure; the batch resumes from what Redis holds.
            throw new UncheckedIOException(new IOException("cannot record a line of batch " + ref + " in Redis: "
                    + e.getMessage(), e));
        }
    }
}
