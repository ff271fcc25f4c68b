package io.xaichat.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.client.XaiChatClient;
import io.xaichat.embedded.EmbeddedKafkaBroker;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.ResultStatus;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import io.xaichat.testkit.WorkerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of whole processes during a bulk run: workers are child JVMs (killed with SIGKILL, stopped with SIGTERM),
 * the broker runs in this JVM and is restarted in place. Every job must be answered; duplicates are counted.
 */
@Tag("faults")
class WorkerProcessFaultsTest {
    static final int JOBS = 60;
    static final int MAX_TOKENS = 96;
    static final Duration ALL_ANSWERED = Duration.ofMinutes(2);
    static final Duration SETTLE = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    /** Two workers in full swing on a bulk run, the moment the fault is injected. */
    record MidRun(EmbeddedKafkaBroker broker, KafkaHandle kafka, ChildWorkers workers, List<WorkerProcess> started,
                  JobTally tally) {}

    @FunctionalInterface
    interface Fault {
        /** Injects the fault, then checks what it must; returns how it was produced, for the report. */
        String inject(MidRun run) throws Exception;
    }

    /**
     * Starts a broker and workers {@code first} and {@code second}, submits {@link #JOBS} jobs, injects the fault
     * once each worker has answered a few, waits for every job and writes the report row.
     */
    private ReliabilityReport.Row duringBulkRun(String file, String fault, String first, String second, Fault inject)
            throws Exception {
        try (EmbeddedKafkaBroker broker = FaultBroker.start(); KafkaHandle kafka = KafkaHandle.of(broker);
             ChildWorkers workers = new ChildWorkers(dir, broker.bootstrapServers(), Names.unique(file))) {
            List<WorkerProcess> started = workers.startAll(first, second);
            workers.awaitMembers(kafka.admin(), 2, Duration.ofSeconds(60));
            try (XaiChatClient client = XaiChatClient.start(workers.clientConfig())) {
                JobTally tally = new JobTally(client).submit("job", JOBS, MAX_TOKENS);
                awaitBothWorking(tally, started);
                int answeredAtFault = tally.answered();
                String how = inject.inject(new MidRun(broker, kafka, workers, started, tally));

                Map<String, ResultEnvelope> results = tally.awaitAll(ALL_ANSWERED);
                ReliabilityReport.Row row = ReliabilityReport.write(file, tally.row(fault, "2 worker JVMs, " + JOBS
                        + " chat jobs; after " + answeredAtFault + " answers " + how, SETTLE));
                assertThat(row.lost()).isZero();
                assertThat(results.values()).allSatisfy(r -> assertThat(r.status()).isEqualTo(ResultStatus.OK));
                return row;
            }
        }
    }

    @Test
    void killMinus9OfOneOfTwoWorkersLosesNoJob() throws Exception {
        ReliabilityReport.Row row = duringBulkRun("1-kill-9", "kill -9 of one of two workers", "victim", "survivor",
                run -> {
                    run.started().get(0).kill();
                    run.started().get(0).awaitExit(Duration.ofSeconds(10));
                    return "SIGKILL to one; the survivor took over after the "
                            + FaultBroker.SESSION_TIMEOUT_MS / 1000 + " s session timeout";
                });
        assertThat(row.resultsOut()).isEqualTo(JOBS);
    }

    @Test
    void sigtermOfOneWorkerFinishesItsJobLeavesTheGroupAndRedoesNothing() throws Exception {
        ReliabilityReport.Row row = duringBulkRun("7-sigterm", "graceful scale-down (SIGTERM)", "leaving", "staying",
                run -> {
                    WorkerProcess leaving = run.started().get(0);
                    leaving.terminate();
                    int exit = leaving.awaitExit(Duration.ofSeconds(60));
                    assertThat(exit).isZero();
                    assertThat(leaving.output()).contains("signal received").contains("stopped");
                    // It left the group on close: the survivor owns every partition without waiting for a timeout.
                    run.workers().awaitMembers(run.kafka().admin(), 1, Duration.ofSeconds(10));
                    return "SIGTERM to one: it finished its jobs, committed, left the group, exit " + exit;
                });
        // With several jobs in flight (the llama-cpp engine's 4 slots) the leaving worker finishes them and commits
        // (offsets and, in the metadata, what it answered above them) before it leaves: the survivor redoes none.
        assertThat(row.duplicated()).isZero();
    }

    @Test
    void brokerRestartMidRunIsRiddenThroughByWorkersAndClient() throws Exception {
        ReliabilityReport.Row row = duringBulkRun("2-broker-restart", "Kafka broker restart", "w1", "w2", run -> {
            long t0 = System.nanoTime();
            run.broker().restart();
            long downMs = (System.nanoTime() - t0) / 1_000_000;
            // The workers ride through it: neither exits (a worker whose consumer loop dies exits with 1).
            Thread.sleep(2_000);
            assertThat(run.started()).allSatisfy(w -> assertThat(w.isAlive()).as(w.tail()).isTrue());
            return "the broker stopped and restarted on the same port (" + downMs + " ms down)";
        });
        assertThat(row.resultsOut()).isEqualTo(JOBS);
    }

    /** Waits until each worker has answered a few jobs, so the fault hits a run in full swing. */
    private static void awaitBothWorking(JobTally tally, List<WorkerProcess> workers) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline
                && workers.stream().anyMatch(w -> tally.answeredBy(w.workerId()) < 3)) {
            Thread.sleep(10);
        }
        assertThat(workers).allSatisfy(w -> assertThat(tally.answeredBy(w.workerId())).as(w.workerId()).isGreaterThanOrEqualTo(3));
        assertThat(tally.answered()).as("the fault must hit the run before it ends").isLessThan(tally.submitted() - 10);
    }
}
