package io.xaichat.worker.kafka;

import io.xaichat.schema.Json;
import io.xaichat.schema.WorkerAdvert;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this worker's {@link WorkerAdvert}s (one per kind) to the compacted workers topic on start, and
 * tombstones them on a clean stop. Best effort: a worker that cannot advertise still serves jobs, producers then
 * simply cannot check limits before sending.
 */
public final class WorkerAdvertiser implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerAdvertiser.class);
    private static final long ACK_SECONDS = 10;

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final List<WorkerAdvert> adverts;

    public WorkerAdvertiser(Producer<String, byte[]> producer, String topic, List<WorkerAdvert> adverts) {
        this.producer = producer;
        this.topic = topic;
        this.adverts = List.copyOf(adverts);
    }

    public WorkerAdvertiser publish() {
        for (WorkerAdvert a : adverts) send(a.key(), Json.toBytes(a));
        return this;
    }

    @Override
    public void close() {
        for (WorkerAdvert a : adverts) send(a.key(), null);
        producer.close(Duration.ofSeconds(5));
    }

    private void send(String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(ACK_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("could not {} worker advert {} on {}: {}", value == null ? "remove" : "publish", key, topic,
                    e.getMessage());
        }
    }
}
