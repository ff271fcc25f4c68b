package io.xaichat.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xaichat.client.ClientConfig;
import io.xaichat.client.XaiChatClient;
import io.xaichat.embedded.EmbeddedKafkaBroker;
import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.ResultStatus;
import io.xaichat.schema.Topics;
import io.xaichat.testkit.TestWorkers;
import io.xaichat.testkit.gguf.TinyGgufModels;
import io.xaichat.worker.Worker;
import io.xaichat.worker.config.WorkerConfig;
import io.xaichat.worker.kafka.JobListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenants kept apart by Kafka's own controls: a broker with SASL/PLAIN and the standard ACL authorizer, two
 * tenants with their own principals and reply topics ({@code <prefix>.replies.<tenant>.<client>}), and the worker
 * with its own principal, allowed to read job topics and write reply topics (and dead letters) only. These are
 * the ACLs of the README's recipe.
 */
class MultiTenancyTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Map<String, String> USERS = Map.of(EmbeddedKafkaBroker.SUPER_USER, "admin-pw",
            "worker", "worker-pw", "alice", "alice-pw", "bob", "bob-pw");

    @TempDir
    Path dir;

    @Test
    void tenantsCannotReadOrForgeEachOthersRepliesAndTheWorkerOnlyReadsJobsAndWritesReplies() throws Exception {
        Topics topics = new Topics("tenancy");
        String jobs = topics.jobs(JobKind.CHAT);
        String aliceReplies = topics.prefix() + ".replies.alice.c1";
        String bobReplies = topics.prefix() + ".replies.bob.c1";
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().saslPlain(USERS).build().start();
             Admin admin = Admin.create(props(broker, EmbeddedKafkaBroker.SUPER_USER))) {
            admin.createTopics(List.of(new NewTopic(jobs, 2, (short) 1), new NewTopic(topics.deadLetter(), 1, (short) 1),
                    new NewTopic(aliceReplies, 1, (short) 1), new NewTopic(bobReplies, 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
            admin.createAcls(recipe(topics, List.of("alice", "bob"))).all().get(30, TimeUnit.SECONDS);

            WorkerConfig config = TestWorkers.config(broker.bootstrapServers(), null, topics.prefix(), "w-tenancy",
                    JobKind.CHAT);
            config = new WorkerConfig(config.workerId(), config.bootstrapServers(),
                    EmbeddedKafkaBroker.saslClientProperties("worker", USERS.get("worker")), topics, config.kinds(),
                    config.topicPartitions(), config.replicationFactor(), config.groupProtocol(),
                    config.maxPollInterval(), null, config.cacheTtl(), config.cacheLockTtl(), config.maxRecordBytes(),
                    config.maxTokens(), config.streamBatchSize(), config.shutdownGrace(), true, config.security(),
                    config.throughput());
            try (Worker worker = new Worker(config, List.of(TestWorkers.tinyChat(TinyGgufModels.qwen2(dir))),
                    JobListener.NONE).start();
                 XaiChatClient alice = XaiChatClient.start(client(broker, topics, "alice"));
                 XaiChatClient bob = XaiChatClient.start(client(broker, topics, "bob"))) {
                assertThat(alice.replyTopic()).isEqualTo(aliceReplies);
                ChatRequest question = ChatRequest.ofPrompt("Hello").withTemperature(0).withMaxTokens(4);
                ResultEnvelope a = alice.submit(JobEnvelope.of("alice-1", JobKind.CHAT, null, question))
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                ResultEnvelope b = bob.submit(JobEnvelope.of("bob-1", JobKind.CHAT, null, question))
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(List.of(a.status(), b.status())).containsOnly(ResultStatus.OK);
                assertThat(b.cached()).as("no cache here").isFalse();

                // Alice can neither read Bob's replies, nor write into them, nor read the job topic (job ids).
                assertThat(readError(broker, "alice", bobReplies)).isInstanceOf(TopicAuthorizationException.class);
                assertThat(readError(broker, "alice", jobs)).isInstanceOf(TopicAuthorizationException.class);
                assertThat(writeError(broker, "alice", bobReplies)).isInstanceOf(TopicAuthorizationException.class);
                // The worker's principal cannot write job topics nor read replies: a job cannot turn it around.
                assertThat(writeError(broker, "worker", jobs)).isInstanceOf(TopicAuthorizationException.class);
                assertThat(readError(broker, "worker", aliceReplies)).isInstanceOf(TopicAuthorizationException.class);
                // What Alice can do: name Bob's topic as reply_to. Bob's client takes no answer it did not ask for.
                ResultEnvelope before = bob.submit(JobEnvelope.of("bob-2", JobKind.CHAT, null, question))
                        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(before.jobId()).isEqualTo("bob-2");
                try (KafkaProducer<String, byte[]> aliceRaw = producer(broker, "alice")) {
                    aliceRaw.send(new ProducerRecord<>(jobs, "alice-3", io.xaichat.schema.Json.toBytes(
                            JobEnvelope.of("alice-3", JobKind.CHAT, bobReplies, question)))).get(30, TimeUnit.SECONDS);
                }
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (bob.stats().foreignRecords() < 1 && System.nanoTime() < deadline) Thread.sleep(100);
                assertThat(bob.stats().foreignRecords()).as("alice's answer on bob's topic, ignored").isEqualTo(1);
                assertThat(bob.stats().answered()).isEqualTo(2);
            }
        }
    }

    /** The README's ACL recipe, for the chat job topic and the given tenants. */
    static List<AclBinding> recipe(Topics topics, List<String> tenants) {
        List<AclBinding> acls = new ArrayList<>();
        String worker = "User:worker";
        for (JobKind kind : JobKind.values()) {
            acls.add(allow(worker, ResourceType.TOPIC, topics.jobs(kind), PatternType.LITERAL, AclOperation.READ));
        }
        acls.add(allow(worker, ResourceType.GROUP, topics.prefix() + ".workers.", PatternType.PREFIXED, AclOperation.READ));
        acls.add(allow(worker, ResourceType.TOPIC, topics.deadLetter(), PatternType.LITERAL, AclOperation.WRITE));
        acls.add(allow(worker, ResourceType.TOPIC, topics.prefix() + ".replies.", PatternType.PREFIXED, AclOperation.WRITE));
        acls.add(allow(worker, ResourceType.TOPIC, topics.replies(), PatternType.LITERAL, AclOperation.WRITE));
        for (String tenant : tenants) {
            String user = "User:" + tenant;
            for (JobKind kind : JobKind.values()) {
                acls.add(allow(user, ResourceType.TOPIC, topics.jobs(kind), PatternType.LITERAL, AclOperation.WRITE));
            }
            String own = topics.prefix() + ".replies." + tenant + ".";
            acls.add(allow(user, ResourceType.TOPIC, own, PatternType.PREFIXED, AclOperation.READ));
            acls.add(allow(user, ResourceType.TOPIC, own, PatternType.PREFIXED, AclOperation.CREATE));
            acls.add(allow(user, ResourceType.TOPIC, own, PatternType.PREFIXED, AclOperation.DELETE));
        }
        return acls;
    }

    private static AclBinding allow(String principal, ResourceType type, String name, PatternType pattern,
                                    AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }

    private static Map<String, Object> props(EmbeddedKafkaBroker broker, String user) {
        Map<String, Object> p = new HashMap<>(EmbeddedKafkaBroker.saslClientProperties(user, USERS.get(user)));
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return p;
    }

    private static ClientConfig client(EmbeddedKafkaBroker broker, Topics topics, String tenant) {
        return ClientConfig.of(broker.bootstrapServers()).withTopicPrefix(topics.prefix()).withClientId(tenant + ".c1")
                .withKafkaProperties(EmbeddedKafkaBroker.saslClientProperties(tenant, USERS.get(tenant)));
    }

    private static KafkaProducer<String, byte[]> producer(EmbeddedKafkaBroker broker, String user) {
        Map<String, Object> p = props(broker, user);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static Throwable writeError(EmbeddedKafkaBroker broker, String user, String topic) {
        try (KafkaProducer<String, byte[]> producer = producer(broker, user)) {
            producer.send(new ProducerRecord<>(topic, "forged", new byte[] {1})).get(30, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }

    private static Throwable readError(EmbeddedKafkaBroker broker, String user, String topic) {
        Map<String, Object> p = props(broker, user);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(Set.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(consumer.assignment());
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) consumer.poll(Duration.ofMillis(200));
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }
}
