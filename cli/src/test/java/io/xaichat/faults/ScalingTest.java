package io.xaichat.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.client.XaiChatClient;
import io.xaichat.embedded.EmbeddedKafkaBroker;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.Topics;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import io.xaichat.testkit.WorkerProcess;
import io.xaichat.testkit.gguf.TinyGgufModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scaling out: workers started as an operator would (child JVMs configured by environment) create the job topics
 * with enough partitions, join one KIP-848 consumer group as static members named by their worker id, and can be
 * pinned to disjoint cores of one machine.
 */
@Tag("faults")
class ScalingTest {
    @TempDir
    Path dir;

    @Test
    void aWorkerCreatesTwelvePartitionTopicsAndJoinsAsAStaticKip848Member() throws Exception {
        String prefix = Names.unique("scale");
        Topics topics = new Topics(prefix);
        try (EmbeddedKafkaBroker broker = FaultBroker.start(); KafkaHandle kafka = KafkaHandle.of(broker);
             WorkerProcess worker = WorkerProcess.chat("scale-a", TinyGgufModels.qwen2(dir), dir)
                     .bootstrap(broker.bootstrapServers()).prefix(prefix).start()) {
            worker.awaitReady(ChildWorkers.READY);

            Map<String, TopicDescription> created = kafka.admin()
                    .describeTopics(List.of(topics.jobs(JobKind.CHAT), topics.deadLetter())).allTopicNames()
                    .get(30, TimeUnit.SECONDS);
            assertThat(created.values()).allSatisfy(t -> assertThat(t.partitions()).hasSize(12));

            ConsumerGroupDescription group = new ChildWorkers(dir, broker.bootstrapServers(), prefix)
                    .awaitMembers(kafka.admin(), 1, Duration.ofSeconds(30), 12);
            assertThat(group.type()).isEqualTo(GroupType.CONSUMER);
            assertThat(group.groupId()).isEqualTo(prefix + ".workers.chat");
            assertThat(group.members()).singleElement()
                    .satisfies(m -> assertThat(m.groupInstanceId()).contains("scale-a-chat"));
        }
    }

    @Test
    void twoWorkersPinnedToDisjointCoresShareTheWorkAndAStaticMemberKeepsItsPartitionsAcrossARestart()
            throws Exception {
        String prefix = Names.unique("pinned");
        try (EmbeddedKafkaBroker broker = FaultBroker.start(); KafkaHandle kafka = KafkaHandle.of(broker);
             ChildWorkers workers = new ChildWorkers(dir, broker.bootstrapServers(), prefix)) {
            // The recipe: taskset binds the whole process (every thread, llama.cpp's OpenMP threads included) to
            // its core; XAICHAT_CHAT_THREADS=1 sizes llama.cpp for it. (XAICHAT_CHAT_CPUS alone binds no thread
            // in this OpenMP build of llama.cpp, and under taskset it is checked against CPUs 0..n-1.)
            WorkerProcess.Builder first = workers.worker("cpu0").launcher("taskset", "-c", "0")
                    .env("XAICHAT_CHAT_THREADS", "1").env("XAICHAT_STAY_IN_GROUP", "true");
            WorkerProcess a = workers.start(first);
            WorkerProcess b = workers.start(workers.worker("cpu1").launcher("taskset", "-c", "1")
                    .env("XAICHAT_CHAT_THREADS", "1"));
            a.awaitReady(ChildWorkers.READY);
            b.awaitReady(ChildWorkers.READY);
            workers.awaitMembers(kafka.admin(), 2, Duration.ofSeconds(60));

            try (XaiChatClient client = XaiChatClient.start(workers.clientConfig())) {
                JobTally tally = new JobTally(client).submit("job", 24, 16);
                Map<String, ResultEnvelope> results = tally.awaitAll(Duration.ofMinutes(2));
                assertThat(results).hasSize(24);
                assertThat(tally.answeredBy("cpu0")).isPositive();
                assertThat(tally.answeredBy("cpu1")).isPositive();
            }
            // Every thread of each worker, the inference threads included, runs on its own core only.
            assertThat(cpuLists(a.pid())).containsExactly("0");
            assertThat(cpuLists(b.pid())).containsExactly("1");

            // A static member that stays in the group on SIGTERM keeps its partitions while it restarts.
            Set<TopicPartition> before = partitionsOf(workers.describe(kafka.admin()), "cpu0-chat");
            a.terminate();
            assertThat(a.awaitExit(Duration.ofSeconds(60))).isZero();
            assertThat(partitionsOf(workers.describe(kafka.admin()), "cpu0-chat")).isEqualTo(before);
            workers.start(first).awaitReady(ChildWorkers.READY);
            ConsumerGroupDescription after = workers.awaitMembers(kafka.admin(), 2, Duration.ofSeconds(30));
            assertThat(after.members()).extracting(m -> m.groupInstanceId().orElse(""))
                    .containsExactlyInAnyOrder("cpu0-chat", "cpu1-chat");
        }
    }

    private static Set<TopicPartition> partitionsOf(ConsumerGroupDescription group, String instanceId) {
        return group.members().stream().filter(m -> m.groupInstanceId().orElse("").equals(instanceId))
                .map(MemberDescription::assignment).flatMap(a -> a.topicPartitions().stream())
                .collect(Collectors.toSet());
    }

    /** The distinct {@code Cpus_allowed_list} values of a process's threads. */
    private static Set<String> cpuLists(long pid) throws IOException {
        Set<String> single = new TreeSet<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    Files.readAllLines(task.resolve("status")).stream()
                            .filter(l -> l.startsWith("Cpus_allowed_list:"))
                            .map(l -> l.substring("Cpus_allowed_list:".length()).trim())
                            .forEach(single::add);
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return single;
    }
}
