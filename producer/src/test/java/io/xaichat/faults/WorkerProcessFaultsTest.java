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

    @Test
    void killMinus9OfOneOfTwoWorkersLosesNoJob() throws Exception {
        try (EmbeddedKafkaBroker broker = FaultBroker.start(); KafkaHandle kafka = KafkaHandle.of(broker);
             ChildWorkers workers = new ChildWorkers(dir, broker.bootstrapServers(), Names.unique("kill9"))) {
            List<WorkerProcess> started = workers.startAll("victim", "survivor");
            workers.awaitMembers(kafka.admin(), 2, Duration.ofSeconds(60));
            try (XaiChatClient client = XaiChatClient.start(workers.clientConfig())) {
                JobTally tally = new JobTally(client).submit("job", JOBS, MAX_TOKENS);
                awaitBothWorking(tally, started);
                long t0 = System.nanoTime();
                started.get(0).kill();
                started.get(0).awaitExit(Duration.ofSeconds(10));
                int answeredAtKill = tally.answered();

                Map<String, ResultEnvelope> results = tally.awaitAll(ALL_ANSWERED);
                ReliabilityReport.Row row = ReliabilityReport.write("1-kill-9", tally.row("kill -9 of one of two workers",
                        "2 worker JVMs, " + JOBS + " chat jobs; SIGKILL to one after " + answeredAtKill
                                + " answers; survivor took over after the " + FaultBroker.SESSION_TIMEOUT_MS / 1000
                                + " s session timeout", SETTLE));
                System.out.printf("kill -9: all answered %d ms after the kill%n", (System.nanoTime() - t0) / 1_000_000);

                assertThat(row.lost()).isZero();
                assertThat(results.values()).allSatisfy(r -> assertThat(r.status()).isEqualTo(ResultStatus.OK));
                assertThat(tally.answeredBy("survivor")).isGreaterThan(JOBS / 2);
            }
        }
    }

    @Test
    void sigtermOfOneWorkerFinishesItsJobLeavesTheGroupAndRedoesNothing() throws Exception {
        try (EmbeddedKafkaBroker broker = FaultBroker.start(); KafkaHandle kafka = KafkaHandle.of(broker);
             ChildWorkers workers = new ChildWorkers(dir, broker.bootstrapServers(), Names.unique("sigterm"))) {
            List<WorkerProcess> started = workers.startAll("leaving", "staying");
            workers.awaitMembers(kafka.admin(), 2, Duration.ofSeconds(60));
            try (XaiChatClient client = XaiChatClient.start(workers.clientConfig())) {
                JobTally tally = new JobTally(client).submit("job", JOBS, MAX_TOKENS);
                awaitBothWorking(tally, started);
                started.get(0).terminate();
                int answeredAtTerm = tally.answered();
                int exit = started.get(0).awaitExit(Duration.ofSeconds(60));
                // It left the group on close: the survivor owns every partition without waiting for a timeout.
                workers.awaitMembers(kafka.admin(), 1, Duration.ofSeconds(10));

                Map<String, ResultEnvelope> results = tally.awaitAll(ALL_ANSWERED);
                ReliabilityReport.Row row = ReliabilityReport.write("7-sigterm", tally.row(
                        "graceful scale-down (SIGTERM)", "2 worker JVMs, " + JOBS + " chat jobs; SIGTERM to one after "
                                + answeredAtTerm + " answers: it finished its job, committed, left the group, exit "
                                + exit, SETTLE));

                assertThat(exit).isZero();
                assertThat(started.get(0).output()).contains("signal received").contains("stopped");
                assertThat(row.lost()).isZero();
                assertThat(row.duplicated()).isZero();
                assertThat(results.values()).allSatisfy(r -> assertThat(r.status()).isEqualTo(ResultStatus.OK));
            }
        }
    }

    @Test
    void brokerRestartMidRunIsRiddenThroughByWorkersAndClient() throws Exception {
        try (EmbeddedKafkaBroker broker = FaultBroker.start(); KafkaHandle kafka = KafkaHandle.of(broker);
             ChildWorkers workers = new ChildWorkers(dir, broker.bootstrapServers(), Names.unique("restart"))) {
            List<WorkerProcess> started = workers.startAll("w1", "w2");
            workers.awaitMembers(kafka.admin(), 2, Duration.ofSeconds(60));
            try (XaiChatClient client = XaiChatClient.start(workers.clientConfig())) {
                JobTally tally = new JobTally(client).submit("job", JOBS, MAX_TOKENS);
                awaitBothWorking(tally, started);
                int answeredAtStop = tally.answered();
                long t0 = System.nanoTime();
                broker.restart();
                long downMs = (System.nanoTime() - t0) / 1_000_000;

                Map<String, ResultEnvelope> results = tally.awaitAll(ALL_ANSWERED);
                ReliabilityReport.Row row = ReliabilityReport.write("2-broker-restart", tally.row(
                        "Kafka broker restart", "2 worker JVMs, " + JOBS + " chat jobs; the broker stopped after "
                                + answeredAtStop + " answers and restarted on the same port (" + downMs
                                + " ms down)", SETTLE));

                assertThat(row.lost()).isZero();
                assertThat(results.values()).allSatisfy(r -> assertThat(r.status()).isEqualTo(ResultStatus.OK));
                assertThat(started).allSatisfy(w -> assertThat(w.isAlive()).as(w.tail()).isTrue());
            }
        }
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
