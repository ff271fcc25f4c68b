package io.xaichat.testkit;

import io.xaichat.schema.Json;
import io.xaichat.schema.RecordHeaders;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.StreamChunk;
import io.xaichat.testkit.TopicReader.TopicRecord;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Reads results and stream chunks from a reply topic. */
public final class Replies implements AutoCloseable {
    private final TopicReader reader;

    public Replies(String bootstrap, String topic) {
        this.reader = TopicReader.open(bootstrap, topic);
    }

    public static boolean isResult(TopicRecord r) {
        return r.header(RecordHeaders.MESSAGE_TYPE).orElse("").equals(RecordHeaders.TYPE_RESULT);
    }

    public static boolean isChunk(TopicRecord r) {
        return r.header(RecordHeaders.MESSAGE_TYPE).orElse("").equals(RecordHeaders.TYPE_CHUNK);
    }

    public static ResultEnvelope result(TopicRecord r) {
        return Json.read(r.value(), ResultEnvelope.class);
    }

    public static StreamChunk chunk(TopicRecord r) {
        return Json.read(r.value(), StreamChunk.class);
    }

    /** Waits for the result of one job. */
    public ResultEnvelope await(String jobId, Duration timeout) {
        return result(reader.awaitRecord(r -> isResult(r) && r.keyString().equals(jobId), timeout));
    }

    /** Waits until every job id in {@code jobIds} has at least one result; returns all results read. */
    public List<ResultEnvelope> awaitAll(Set<String> jobIds, Duration timeout) {
        return reader.awaitUntil(records -> records.stream().filter(Replies::isResult).map(TopicRecord::keyString)
                        .collect(Collectors.toSet()).containsAll(jobIds),
                jobIds.size() + " results", timeout).stream().filter(Replies::isResult).map(Replies::result).toList();
    }

    public List<TopicRecord> records() {
        return reader.records();
    }

    public TopicReader reader() {
        return reader;
    }

    @Override
    public void close() {
        reader.close();
    }
}
