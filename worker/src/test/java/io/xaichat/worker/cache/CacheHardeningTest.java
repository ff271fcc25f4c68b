package io.xaichat.worker.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.schema.ResultStatus;
import io.xaichat.schema.Topics;
import io.xaichat.testkit.KafkaExtension;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import io.xaichat.testkit.RedisExtension;
import io.xaichat.testkit.RedisHandle;
import io.xaichat.testkit.Replies;
import io.xaichat.testkit.TestWorkers;
import io.xaichat.testkit.WorkerBench;
import io.xaichat.testkit.gguf.TinyGgufModels;
import io.xaichat.worker.Worker;
import io.xaichat.worker.config.SecuritySettings.CacheScopeMode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.ScanParams;

/** The cache is not trusted blindly, and a hit does not cross tenants. */
@ExtendWith({KafkaExtension.class, RedisExtension.class})
class CacheHardeningTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    KafkaHandle kafka;
    RedisHandle redis;
    Topics topics;
    Worker worker;
    final Map<String, Replies> replies = new HashMap<>();

    @BeforeEach
    void start(KafkaHandle kafka, RedisHandle redis) {
        this.kafka = kafka;
        this.redis = redis;
        WorkerBench.emptyCache(redis);
        topics = new Topics(Names.unique("cachesec"));
        worker = TestWorkers.start(TestWorkers.config(kafka.bootstrapServers(), redis.url(), topics.prefix(), "w-cache",
                JobKind.CHAT), TestWorkers.tinyChat(TinyGgufModels.qwen2(dir)));
    }

    @AfterEach
    void stop() {
        replies.values().forEach(Replies::close);
        worker.close();
    }

    private String replyTopic(String suffix) {
        String topic = topics.prefix() + ".replies." + suffix;
        replies.computeIfAbsent(topic, t -> {
            kafka.createTopic(t, 1);
            return new Replies(kafka.bootstrapServers(), t);
        });
        return topic;
    }

    private ResultEnvelope run(String id, String replySuffix, String scope) {
        String topic = replyTopic(replySuffix);
        JobEnvelope job = JobEnvelope.of(id, JobKind.CHAT, topic,
                ChatRequest.ofPrompt("What is two and two?").withTemperature(0).withMaxTokens(4)).withCacheScope(scope);
        kafka.send(new ProducerRecord<>(topics.jobs(JobKind.CHAT), id, Json.toBytes(job)));
        return replies.get(topic).await(id, WAIT);
    }

    /** Replaces every cached value (not the locks) with {@code value}; returns how many there were. */
    private int plant(String value) {
        int n = 0;
        try (JedisPooled jedis = new JedisPooled(URI.create(redis.url()))) {
            for (String key : jedis.scan("0", new ScanParams().match(CacheKey.PREFIX + "*").count(1000)).getResult()) {
                if (key.endsWith(":lock")) continue;
                jedis.set(key, value);
                n++;
            }
        }
        return n;
    }

    @Test
    void aValueThatIsNotAValidResultIsAMissAndIsOverwritten() {
        assertThat(run("first", "test", null).cached()).isFalse();
        for (String junk : new String[] {"not json at all", "{\"job_id\":\"x\",\"status\":\"error\"}",
                "{\"job_id\":\"x\",\"status\":\"ok\",\"kind\":\"chat\"}", "[1,2,3]"}) {
            assertThat(plant(junk)).isEqualTo(1);
            ResultEnvelope after = run("after-" + junk.hashCode(), "test", null);
            assertThat(after.status()).as("with %s in the cache", junk).isEqualTo(ResultStatus.OK);
            assertThat(after.cached()).isFalse();
            // The recomputed result replaced the bad value: the next identical job is a hit again.
            assertThat(run("again-" + junk.hashCode(), "test", null).cached()).isTrue();
        }
    }

    @Test
    void cacheHitsStayWithinTheTenantOfTheReplyTopicAndWithinACacheScope() {
        assertThat(run("alice-1", "alice.c1", null).cached()).isFalse();
        assertThat(run("alice-2", "alice.c2", null).cached()).as("same tenant, another client").isTrue();
        assertThat(run("bob-1", "bob.c1", null).cached()).as("another tenant").isFalse();
        assertThat(run("bob-2", "bob.c1", null).cached()).isTrue();
        assertThat(run("scoped-1", "alice.c1", "team-a").cached()).as("a narrower scope").isFalse();
        assertThat(run("scoped-2", "alice.c2", "team-a").cached()).isTrue();
        assertThat(run("scoped-3", "bob.c1", "team-a").cached()).as("a scope never widens past the tenant").isFalse();
    }

    @Test
    void sharedModeLetsTenantsShareHits() {
        CacheScope shared = new CacheScope(topics, CacheScopeMode.SHARED);
        CacheScope tenant = new CacheScope(topics, CacheScopeMode.TENANT);
        JobEnvelope alice = JobEnvelope.of("a", JobKind.CHAT, topics.prefix() + ".replies.alice.c1", Map.of());
        JobEnvelope bob = alice.withReplyTo(topics.prefix() + ".replies.bob.c1");
        assertThat(shared.of(alice)).isNull();
        assertThat(shared.of(bob)).isNull();
        assertThat(tenant.of(alice)).isNotEqualTo(tenant.of(bob));
        assertThat(tenant.of(alice.withReplyTo(topics.prefix() + ".replies.one-client"))).as("no tenant segment").isNull();
        assertThat(tenant.of(alice.withReplyTo(topics.replies()))).isNull();
        assertThat(Set.of(tenant.tenant(topics.prefix() + ".replies.alice.c1"))).containsExactly("alice");
    }
}
