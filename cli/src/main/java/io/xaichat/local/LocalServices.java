package io.xaichat.local;

import io.xaichat.embedded.EmbeddedKafkaBroker;
import io.xaichat.embedded.EmbeddedRedis;
import io.xaichat.worker.Worker;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Everything XAIChat Batch needs on one machine, in this process: a Kafka broker and a redis-server (unless
 * existing ones are given) and a worker. Closing stops them in reverse order.
 */
public final class LocalServices implements AutoCloseable {
    private final List<AutoCloseable> started = new ArrayList<>();
    private final String bootstrapServers;
    private final String redisUrl;
    private final Worker worker;

    /**
     * @param existingBootstrap brokers to use instead of starting one; null starts an embedded broker
     * @param existingRedis Redis to use instead of starting one; null starts an embedded redis-server
     * @param workerFactory builds the worker for (bootstrap servers, redis url); it is started here
     */
    public LocalServices(String existingBootstrap, String existingRedis, int kafkaPort, int redisPort, Path dataDir,
                         BiFunction<String, String, Worker> workerFactory, PrintWriter status) {
        try {
            if (existingBootstrap != null) {
                bootstrapServers = existingBootstrap;
                status.println("local: using Kafka at " + bootstrapServers + " (--bootstrap-servers / KAFKA_BOOTSTRAP_SERVERS)");
            } else {
                // Topics exist because someone created them on purpose (the worker its job topics, clients their
                // reply topics): no record names a topic into existence.
                EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder().port(kafkaPort)
                        .property("auto.create.topics.enable", "false");
                if (dataDir != null) builder.logDir(dataDir);
                EmbeddedKafkaBroker broker = builder.build();
                started.add(broker);
                broker.start();
                bootstrapServers = broker.bootstrapServers();
                status.println("local: Kafka broker (in-process) at " + bootstrapServers);
            }
            if (existingRedis != null) {
                redisUrl = existingRedis;
                status.println("local: using Redis from --redis-url / REDIS_URL");
            } else {
                // A random password: any local process could otherwise read cached answers or plant false ones.
                EmbeddedRedis redis = EmbeddedRedis.onPort(redisPort).withPassword(EmbeddedRedis.randomPassword());
                started.add(redis);
                redis.start();
                redisUrl = redis.url();
                status.println("local: redis-server at redis://127.0.0.1:" + redis.port() + " (random password)");
            }
            status.flush();
            worker = workerFactory.apply(bootstrapServers, redisUrl);
            worker.start();
            started.add(worker); // from here on the worker owns the engines; before, the caller closes them

        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public String redisUrl() {
        return redisUrl;
    }

    public Worker worker() {
        return worker;
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("local: error while stopping " + started.get(i).getClass().getSimpleName()
                        + ": " + e.getMessage());
            }
        }
        started.clear();
    }
}
