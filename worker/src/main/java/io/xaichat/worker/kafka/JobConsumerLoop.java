package io.xaichat.worker.kafka;

import io.xaichat.worker.cpu.ThreadAffinity;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll thread of one job kind. Jobs run one at a time on a separate job thread; while one runs, the consumer
 * pauses its partitions and keeps polling, so a job longer than {@code max.poll.interval.ms} never costs the group
 * membership. A job's offset is committed only after its answer was acknowledged (at-least-once); a job whose
 * answer could not be published is sought back and processed again.
 */
public final class JobConsumerLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(JobConsumerLoop.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Consumer<String, byte[]> consumer;
    private final JobProcessor processor;
    private final String topic;
    private final Duration shutdownGrace;
    private final boolean leaveGroupOnClose;
    private final ExecutorService jobThread;
    private final Deque<ConsumerRecord<String, byte[]>> pending = new ArrayDeque<>();
    private volatile boolean running = true;
    private volatile boolean finished;
    private ConsumerRecord<String, byte[]> inFlightRecord;
    private Future<Boolean> inFlight;

    public JobConsumerLoop(Consumer<String, byte[]> consumer, JobProcessor processor, String topic,
                           Duration shutdownGrace, boolean leaveGroupOnClose) {
        this.consumer = consumer;
        this.processor = processor;
        this.topic = topic;
        this.shutdownGrace = shutdownGrace;
        this.leaveGroupOnClose = leaveGroupOnClose;
        this.jobThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(() -> {
                ThreadAffinity.pinCurrentThread(processor.cpus()); // ONNX Runtime computes on the calling thread too
                r.run();
            }, "xaichat-job-" + processor.kind().wireName());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topic), new Rebalance());
            while (running) {
                poll();
                finishIfDone();
                startNextIfIdle();
            }
            drain();
        } catch (RuntimeException e) {
            log.error("consumer loop for {} stopped by an unexpected error", topic, e);
        } finally {
            close();
        }
    }

    /** Stops taking jobs; the running job gets the shutdown grace period to finish. Returns at once. */
    public void stop() {
        running = false;
        consumer.wakeup();
    }

    /** Whether the loop has exited and the consumer is closed. */
    public boolean finished() {
        return finished;
    }

    /** Whether the job thread still runs a job (after the loop exits: a job abandoned after the grace period). */
    public boolean jobRunning() {
        return inFlight != null && !inFlight.isDone();
    }

    private void poll() {
        try {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) pending.add(record);
        } catch (WakeupException e) {
            // a job finished or stop() was called: look at the state again
        }
    }

    private void startNextIfIdle() {
        if (inFlight != null || pending.isEmpty() || !running) return;
        ConsumerRecord<String, byte[]> record = pending.poll();
        consumer.pause(consumer.assignment());
        inFlightRecord = record;
        inFlight = jobThread.submit(() -> {
            try {
                return processor.process(record);
            } finally {
                consumer.wakeup(); // end the poll early so the offset is committed without delay
            }
        });
    }

    private void finishIfDone() {
        if (inFlight == null || !inFlight.isDone()) return;
        settle(inFlightRecord, outcome(inFlight));
        inFlight = null;
        inFlightRecord = null;
        if (pending.isEmpty()) consumer.resume(consumer.paused());
    }

    private static boolean outcome(Future<Boolean> job) {
        try {
            return job.get();
        } catch (ExecutionException e) {
            log.error("job processing failed", e.getCause());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Commits a finished job's offset, or rewinds its partition so the job is processed again. */
    private void settle(ConsumerRecord<String, byte[]> record, boolean acknowledged) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        if (acknowledged) {
            try {
                consumer.commitSync(Map.of(tp, new OffsetAndMetadata(record.offset() + 1)));
            } catch (WakeupException e) {
                settle(record, true); // a late wakeup from the job thread; the commit itself still has to happen
            } catch (KafkaException e) {
                // the partition moved to another worker meanwhile: it will see the job again (at-least-once)
                log.warn("could not commit {}@{}: {}", tp, record.offset(), e.getMessage());
            }
        } else if (consumer.assignment().contains(tp)) {
            pending.removeIf(r -> r.topic().equals(tp.topic()) && r.partition() == tp.partition());
            consumer.seek(tp, record.offset());
        }
    }

    private void drain() {
        if (inFlight == null) return;
        log.info("stopping: waiting up to {} for job {} to finish", shutdownGrace, inFlightRecord.key());
        long until = System.nanoTime() + shutdownGrace.toNanos();
        while (!inFlight.isDone() && System.nanoTime() < until) {
            poll(); // keep the membership alive while the job finishes
        }
        if (inFlight.isDone()) {
            finishIfDone();
        } else {
            log.warn("job {} did not finish within {}: not committed, another worker will redo it",
                    inFlightRecord.key(), shutdownGrace);
        }
    }

    private void close() {
        try {
            CloseOptions options = CloseOptions.groupMembershipOperation(leaveGroupOnClose
                    ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP
                    : CloseOptions.GroupMembershipOperation.DEFAULT).withTimeout(Duration.ofSeconds(10));
            consumer.close(options);
        } catch (RuntimeException e) {
            log.warn("closing the consumer for {}: {}", topic, e.getMessage());
        }
        jobThread.shutdown();
        finished = true;
    }

    /** Keeps the pending buffer and the in-flight job consistent with partition moves. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            dropPending(partitions);
            if (inFlight != null && partitions.contains(partitionOf(inFlightRecord))) {
                // Finish and commit the running job before the partition moves, so the next owner does not redo it.
                try {
                    inFlight.get(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS);
                    finishIfDone();
                } catch (TimeoutException | ExecutionException e) {
                    log.warn("partition {} revoked while job {} runs; it may be computed twice",
                            partitionOf(inFlightRecord), inFlightRecord.key());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            dropPending(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (inFlight != null || !pending.isEmpty()) consumer.pause(partitions);
        }

        private void dropPending(Collection<TopicPartition> partitions) {
            Set<TopicPartition> gone = Set.copyOf(partitions);
            pending.removeIf(r -> gone.contains(partitionOf(r)));
        }
    }

    private static TopicPartition partitionOf(ConsumerRecord<?, ?> record) {
        return new TopicPartition(record.topic(), record.partition());
    }
}
