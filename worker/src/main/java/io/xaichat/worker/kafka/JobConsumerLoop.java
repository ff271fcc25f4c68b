package io.xaichat.worker.kafka;

import io.xaichat.worker.cache.CachedCompute;
import io.xaichat.worker.config.ThroughputConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll thread of one job kind. It only polls, hands records to the {@link InFlightScheduler} (several jobs in
 * flight, cache hits answered on a fast path) and commits: per partition up to the first record not yet answered,
 * asynchronously every commit interval, synchronously on revoke and shutdown. It never waits for a job, so a job
 * longer than {@code max.poll.interval.ms} never costs the group membership; when more than the buffer bound of
 * records are unanswered it pauses its partitions and keeps polling. A record whose answer could not be published
 * is processed again after a pause, and its offset (and every later one) stays uncommitted until it is answered.
 */
public final class JobConsumerLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(JobConsumerLoop.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long RETRY_DELAY_NANOS = Duration.ofSeconds(1).toNanos();

    private record Retry(ConsumerRecord<String, byte[]> record, long dueNanos) {}

    private final Consumer<String, byte[]> consumer;
    private final String topic;
    private final Duration shutdownGrace;
    private final boolean leaveGroupOnClose;
    private final int maxBuffered;
    private final long commitIntervalNanos;
    private final Duration poll;
    private final InFlightScheduler scheduler;
    private final OffsetTracker offsets = new OffsetTracker();
    private final List<Retry> retries = new ArrayList<>();
    private final Set<TopicPartition> newlyAssigned = new java.util.HashSet<>();
    private volatile boolean running = true;
    private volatile boolean finished;
    private volatile FlowState flow = FlowState.EMPTY;
    private volatile boolean paused;
    private volatile boolean draining;
    private volatile int pendingAtSettle; // the tracker's pending count as of the last settle, for other threads
    // While paused, the first completion wakes the poll thread so it can resume at once.
    private final java.util.concurrent.atomic.AtomicBoolean wakeArmed = new java.util.concurrent.atomic.AtomicBoolean();
    private long nextCommitNanos;

    /** @param cache null when the worker runs without a result cache */
    public JobConsumerLoop(Consumer<String, byte[]> consumer, JobProcessor processor, CachedCompute cache,
                           String topic, Duration shutdownGrace, boolean leaveGroupOnClose,
                           ThroughputConfig throughput) {
        this.consumer = consumer;
        this.topic = topic;
        this.shutdownGrace = shutdownGrace;
        this.leaveGroupOnClose = leaveGroupOnClose;
        this.maxBuffered = throughput.maxBufferedRecords();
        this.commitIntervalNanos = throughput.commitInterval().toNanos();
        this.poll = throughput.commitInterval().compareTo(POLL) < 0 ? throughput.commitInterval() : POLL;
        int concurrency = throughput.concurrency(processor.kind(), processor.engineSlots());
        this.scheduler = new InFlightScheduler(processor, cache, concurrency, this::completed);
        processor.listener().flowStarted(processor.kind(), () -> flow);
        log.info("{} jobs: {} in flight at once (engine slots {}), at most {} records buffered",
                processor.kind().wireName(), concurrency, processor.engineSlots(), maxBuffered);
    }

    @Override
    public void run() {
        try {
            consumer.subscribe(List.of(topic), new Rebalance());
            nextCommitNanos = System.nanoTime() + commitIntervalNanos;
            while (running) {
                pollAndDispatch();
                settleCompletions();
                retryDue();
                applyBackPressure();
                commitIfDue();
            }
            drain();
        } catch (RuntimeException e) {
            log.error("consumer loop for {} stopped by an unexpected error", topic, e);
        } finally {
            close();
        }
    }

    /** Stops taking jobs; running jobs get the shutdown grace period to finish. Returns at once. */
    public void stop() {
        running = false;
        consumer.wakeup();
    }

    /** Whether the loop has exited and the consumer is closed. */
    public boolean finished() {
        return finished;
    }

    /** Whether a job thread still runs a job (after the loop exits: a job abandoned after the grace period). */
    public boolean jobRunning() {
        return scheduler.computing();
    }

    /** The latest records in flight and commit lag, for metrics and tests. */
    public FlowState flow() {
        return flow;
    }

    /**
     * On a job or producer thread, after a completion was queued: wakes a paused poll thread once enough has
     * finished for it to act (resume fetching, or end the drain), and only once per poll.
     */
    private void completed() {
        if (!paused) return;
        boolean act = draining ? scheduler.inProgress() == 0
                : pendingAtSettle - scheduler.completionsQueued() <= maxBuffered / 2;
        if (act && wakeArmed.compareAndSet(true, false)) consumer.wakeup();
    }

    private ConsumerRecords<String, byte[]> poll() {
        try {
            return consumer.poll(poll);
        } catch (WakeupException e) {
            return ConsumerRecords.empty(); // stop() was called or a job finished while paused: look again
        }
    }

    private void pollAndDispatch() {
        ConsumerRecords<String, byte[]> records = poll();
        wakeArmed.set(true);
        if (records.isEmpty() || !running) return;
        readAnsweredBefore();
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> record : records) {
            // false: the partition's previous owner answered it already (committed metadata)
            if (offsets.taken(InFlightScheduler.partitionOf(record), record.offset())) batch.add(record);
        }
        pendingAtSettle = offsets.pending();
        scheduler.submit(batch);
    }

    /** For partitions just assigned: which records above the committed offset an earlier owner answered. */
    private void readAnsweredBefore() {
        if (newlyAssigned.isEmpty()) return;
        Set<TopicPartition> read = Set.copyOf(newlyAssigned);
        newlyAssigned.clear();
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                consumer.committed(read, Duration.ofSeconds(10)).forEach((tp, committed) -> {
                    if (committed != null) offsets.answeredBefore(tp, committed.offset(), committed.metadata());
                });
                return;
            } catch (WakeupException e) {
                // a completion woke the paused loop: read again
            } catch (KafkaException e) {
                // Without it those records are redone: at-least-once still holds.
                log.warn("could not read the committed offsets of {}: {}", read, e.getMessage());
                return;
            }
        }
        log.warn("could not read the committed offsets of {}: woken up on every attempt", read);
    }

    private void settleCompletions() {
        scheduler.drainCompletions(c -> {
            TopicPartition tp = c.partition();
            if (c.acknowledged()) {
                offsets.answered(tp, c.record().offset());
            } else if (running && offsets.pending(tp, c.record().offset())) {
                retries.add(new Retry(c.record(), System.nanoTime() + RETRY_DELAY_NANOS));
            }
        });
        pendingAtSettle = offsets.pending();
    }

    private void retryDue() {
        if (retries.isEmpty()) return;
        long now = System.nanoTime();
        for (Iterator<Retry> it = retries.iterator(); it.hasNext(); ) {
            Retry r = it.next();
            if (r.dueNanos() <= now) {
                it.remove();
                scheduler.retry(r.record());
            }
        }
    }

    /** Pauses fetching while the buffer bound is reached; resumes once half of it is free again. */
    private void applyBackPressure() {
        int pending = offsets.pending();
        if (!paused && pending >= maxBuffered) {
            consumer.pause(consumer.assignment());
            paused = true;
        } else if (paused && pending <= maxBuffered / 2) {
            consumer.resume(consumer.assignment());
            paused = false;
        }
    }

    private void commitIfDue() {
        long now = System.nanoTime();
        if (now < nextCommitNanos) return;
        nextCommitNanos = now + commitIntervalNanos;
        Map<TopicPartition, OffsetAndMetadata> due = offsets.toCommit(null, false);
        if (!due.isEmpty()) {
            consumer.commitAsync(due, (committed, e) -> {
                // A later commit covers it; a partition that moved will be redone by its next owner (at-least-once).
                if (e != null) log.debug("async commit of {} failed: {}", committed, e.getMessage());
            });
        }
        publishFlow();
    }

    /** @param why what the commit is for, in the log line that names what it committed */
    private void commitSync(Collection<TopicPartition> among, String why) {
        Map<TopicPartition, OffsetAndMetadata> due = offsets.toCommit(among, true);
        if (due.isEmpty()) return;
        // Wakeups from stop() and from completions may both be pending: each costs one attempt, never the commit.
        for (int attempt = 0; attempt < 4; attempt++) {
            try {
                consumer.commitSync(due);
                log.info("committed on {}: {}", why, describe(due));
                return;
            } catch (WakeupException e) {
                // the commit itself still has to happen
            } catch (KafkaException | IllegalStateException e) {
                // the partition moved to another worker meanwhile (or the consumer is closing): it will see those
                // jobs again (at-least-once)
                log.warn("could not commit {} on {}: {}", describe(due), why, e.getMessage());
                return;
            }
        }
        log.warn("could not commit {} on {}: woken up on every attempt", describe(due), why);
    }

    /** partition=offset (+N answered above it) for each entry, for the log. */
    private static String describe(Map<TopicPartition, OffsetAndMetadata> commits) {
        StringBuilder out = new StringBuilder();
        commits.forEach((tp, om) -> {
            if (!out.isEmpty()) out.append(", ");
            out.append(tp).append('=').append(om.offset());
            int above = OffsetTracker.decode(om.offset(), om.metadata()).size();
            if (above > 0) out.append(" (+").append(above).append(" answered above)");
        });
        return out.toString();
    }

    private void publishFlow() {
        List<FlowState.PartitionCommitLag> lags = offsets.commitLag().stream()
                .map(l -> new FlowState.PartitionCommitLag(l.partition().topic(), l.partition().partition(), l.records()))
                .toList();
        flow = new FlowState(scheduler.inProgress(), offsets.pending(), lags);
    }

    /** Stops starting records, lets the running ones finish within the grace period while polling, commits. */
    private void drain() {
        scheduler.stopStarting();
        consumer.pause(consumer.assignment());
        draining = true;
        paused = true; // the last completion now wakes the poll below
        int busy = scheduler.inProgress();
        if (busy > 0) log.info("stopping: waiting up to {} for {} running job(s) to finish", shutdownGrace, busy);
        long until = System.nanoTime() + shutdownGrace.toNanos();
        while (scheduler.inProgress() > 0 && System.nanoTime() < until) {
            poll(); // keep the membership alive while the jobs finish
            settleCompletions();
            commitIfDue();
        }
        settleCompletions();
        busy = scheduler.inProgress();
        if (busy > 0) {
            log.warn("{} job(s) did not finish within {}: not committed, another worker will redo them", busy,
                    shutdownGrace);
        }
        commitSync(null, "shutdown");
        publishFlow();
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
        scheduler.close();
        finished = true;
    }

    /** Keeps the scheduler and the offsets consistent with partition moves. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) return;
            scheduler.revoked(partitions);
            // Finish and commit the running jobs before the partitions move, so the next owner does not redo them;
            // queued ones are dropped and left to it.
            try {
                // When stopping, drain() has already given the running jobs the grace period.
                long wait = running ? shutdownGrace.toNanos() : 0;
                int left = scheduler.awaitIdle(partitions, System.nanoTime() + wait);
                if (left > 0) {
                    log.warn("partitions {} revoked while {} job(s) run; they may be computed twice", partitions, left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            settleCompletions();
            commitSync(partitions, "revoke");
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            scheduler.revoked(partitions);
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            scheduler.assigned(partitions);
            newlyAssigned.addAll(partitions);
            if (paused || !running) consumer.pause(partitions);
        }

        private void forget(Collection<TopicPartition> partitions) {
            Set<TopicPartition> gone = Set.copyOf(partitions);
            offsets.remove(gone);
            newlyAssigned.removeAll(gone);
            retries.removeIf(r -> gone.contains(InFlightScheduler.partitionOf(r.record())));
        }
    }
}
