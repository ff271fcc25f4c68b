package io.xaichat.faults;

import io.xaichat.client.ClientConfig;
import io.xaichat.schema.JobKind;
import io.xaichat.testkit.WorkerProcess;
import io.xaichat.testkit.gguf.TinyGgufModels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/** Chat workers as child JVMs in one consumer group, sized for fault tests, and the client that feeds them. */
final class ChildWorkers implements AutoCloseable {
    static final Duration READY = Duration.ofSeconds(90);
    static final int PARTITIONS = 6;

    private final List<WorkerProcess> workers = new ArrayList<>();
    private final Path dir;
    private final Path model;
    private final String bootstrap;
    private final String prefix;

    ChildWorkers(Path dir, String bootstrap, String prefix) {
        this.dir = dir;
        this.model = TinyGgufModels.qwen2(dir);
        this.bootstrap = bootstrap;
        this.prefix = prefix;
    }

    /** A worker not yet started: add settings, then start it with {@link #start(WorkerProcess.Builder)}. */
    WorkerProcess.Builder worker(String workerId) {
        return WorkerProcess.chat(workerId, model, dir).bootstrap(bootstrap).prefix(prefix)
                .env("XAICHAT_TOPIC_PARTITIONS", Integer.toString(PARTITIONS))
                .env("XAICHAT_SHUTDOWN_GRACE", "30s");
    }

    WorkerProcess start(WorkerProcess.Builder builder) {
        WorkerProcess w = builder.start();
        workers.add(w);
        return w;
    }

    /** Starts workers {@code ids} side by side and waits until each consumes. */
    List<WorkerProcess> startAll(String... ids) {
        List<WorkerProcess> started = new ArrayList<>();
        for (String id : ids) started.add(start(worker(id)));
        started.forEach(w -> w.awaitReady(READY));
        return started;
    }

    String prefix() {
        return prefix;
    }

    String groupId() {
        return prefix + ".workers." + JobKind.CHAT.wireName();
    }

    ClientConfig clientConfig() {
        return ClientConfig.of(bootstrap).withTopicPrefix(prefix).withTimeout(JobKind.CHAT, Duration.ofMinutes(3));
    }

    /** Waits until the group has exactly {@code n} members and every partition of the job topic is assigned. */
    ConsumerGroupDescription awaitMembers(Admin admin, int n, Duration timeout) throws Exception {
        return awaitMembers(admin, n, timeout, PARTITIONS);
    }

    /** Waits until the group has exactly {@code n} members and all {@code partitions} are assigned. */
    ConsumerGroupDescription awaitMembers(Admin admin, int n, Duration timeout, int partitions) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        ConsumerGroupDescription group = null;
        while (System.nanoTime() < deadline) {
            try {
                group = describe(admin);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof GroupIdNotFoundException)) throw e;
                Thread.sleep(200); // no member has joined yet
                continue;
            }
            Collection<MemberDescription> members = group.members();
            int assigned = members.stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum();
            if (members.size() == n && assigned == partitions
                    && members.stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
                return group;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("group " + groupId() + " did not settle on " + n + " members within " + timeout
                + ": " + group);
    }

    ConsumerGroupDescription describe(Admin admin) throws Exception {
        return admin.describeConsumerGroups(List.of(groupId())).describedGroups().get(groupId())
                .get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        workers.forEach(WorkerProcess::close);
    }
}
