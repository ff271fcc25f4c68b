package io.xaichat.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running inside this JVM.
 *
 * <p>Used by local mode and by the tests on machines without a Docker engine. It listens on 127.0.0.1 only.
 * The log directory is formatted once; {@link #stop()} keeps it, so {@link #start()} or {@link #restart()}
 * brings the same topics, offsets and committed records back on the same ports.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().port(9092).build().start()) {
 *     String bootstrap = broker.bootstrapServers(); // "127.0.0.1:9092"
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker extends LocalServer {

    /** Large enough for generated images, which are several MB once base64-encoded in a result. */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    /** The broker's own principal with {@link Builder#saslPlain}; it must be among the users. */
    public static final String SUPER_USER = "admin";

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String META_PROPERTIES = "meta.properties";
    // Distinct node ids keep JMX app-info names apart when a test runs a second broker in the same JVM.
    private static final AtomicInteger NEXT_NODE_ID = new AtomicInteger(1);

    private final int requestedPort;
    private final Path requestedLogDir;
    private final int maxMessageBytes;
    private final Map<String, String> overrides;
    private final Map<String, String> saslUsers;

    private int port;
    private int controllerPort;
    private Path logDir;
    private KafkaRaftServer server;

    private EmbeddedKafkaBroker(Builder builder) {
        this.requestedPort = builder.port;
        this.requestedLogDir = builder.logDir;
        this.maxMessageBytes = builder.maxMessageBytes;
        this.overrides = Map.copyOf(builder.overrides);
        this.saslUsers = builder.saslUsers == null ? null : Map.copyOf(builder.saslUsers);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A broker with all defaults (free port, temporary log directory), already started. */
    public static EmbeddedKafkaBroker startDefault() {
        return builder().build().start();
    }

    /**
     * Starts the broker and returns once it accepts clients. The first start chooses the ports and the log
     * directory; later starts reuse both.
     */
    @Override
    public synchronized EmbeddedKafkaBroker start() {
        startIfStopped();
        return this;
    }

    @Override
    void launch() {
        if (logDir == null) {
            resolveDirectoryAndPorts();
        }
        // Kafka would log ~200 lines of stack traces for a taken port before failing; say it in one line.
        FreePorts.requireFree(port, "Kafka broker");
        long began = System.nanoTime();
        KafkaConfig config = KafkaConfig.fromProps(brokerProperties(nodeId()), false);
        if (!Files.exists(logDir.resolve(META_PROPERTIES))) {
            format(config);
        }
        KafkaRaftServer started = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            started.startup();
        } catch (RuntimeException e) {
            IllegalStateException failure = new IllegalStateException("Kafka broker failed to start on "
                    + bootstrapServers() + " (controller port " + controllerPort + ", log dir " + logDir + "): "
                    + e.getMessage(), e);
            try {
                shutdown(started);
            } catch (RuntimeException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
        server = started;
        log.info("Kafka broker listening on {} (log dir {}) after {} ms",
                bootstrapServers(), logDir, (System.nanoTime() - began) / 1_000_000);
    }

    /** Keeps the log directory, so a later {@link #start()} serves the same data. */
    @Override
    void halt() {
        KafkaRaftServer stopping = server;
        server = null;
        shutdown(stopping);
    }

    @Override
    String description() {
        return "Kafka broker on " + bootstrapServers();
    }

    /** {@code 127.0.0.1:PORT}; valid once the broker has been started at least once. */
    public synchronized String bootstrapServers() {
        requireResolved();
        return "127.0.0.1:" + port;
    }

    public synchronized int port() {
        requireResolved();
        return port;
    }

    public synchronized Path logDir() {
        requireResolved();
        return logDir;
    }

    public int maxMessageBytes() {
        return maxMessageBytes;
    }

    private void resolveDirectoryAndPorts() {
        try {
            if (requestedLogDir != null) {
                logDir = Files.createDirectories(requestedLogDir).toAbsolutePath();
            } else {
                logDir = Files.createTempDirectory("xaichat-kafka-");
                deleteOnClose(logDir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create Kafka log directory "
                    + (requestedLogDir != null ? requestedLogDir : "in " + System.getProperty("java.io.tmpdir")), e);
        }
        port = requestedPort != 0 ? requestedPort : FreePorts.loopback();
        controllerPort = FreePorts.loopbackExcept(port);
    }

    /** A kept directory formatted by an earlier run has its node id fixed in meta.properties. */
    private int nodeId() {
        Path meta = logDir.resolve(META_PROPERTIES);
        if (Files.exists(meta)) {
            Properties formatted = new Properties();
            try (InputStream in = Files.newInputStream(meta)) {
                formatted.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + meta, e);
            }
            String nodeId = formatted.getProperty("node.id");
            if (nodeId != null) {
                return Integer.parseInt(nodeId.trim());
            }
        }
        return NEXT_NODE_ID.getAndIncrement();
    }

    private Properties brokerProperties(int nodeId) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(nodeId));
        p.put("controller.quorum.voters", nodeId + "@127.0.0.1:" + controllerPort);
        String listener = saslUsers == null ? "PLAINTEXT" : "SASL_PLAINTEXT";
        p.put("listeners", listener + "://127.0.0.1:" + port + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", listener + "://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", listener + ":" + listener + "," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", listener);
        if (saslUsers != null) p.putAll(saslProperties());
        p.put("log.dirs", logDir.toString());
        p.put("metadata.log.dir", logDir.toString());
        // Tests name throw-away topics freely; local mode turns this off (see LocalServices).
        p.put("auto.create.topics.enable", "true");
        p.put("message.max.bytes", Integer.toString(maxMessageBytes));
        p.put("replica.fetch.max.bytes", Integer.toString(maxMessageBytes));
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("offsets.topic.replication.factor", "1");
        // Fewer internal partitions: the first consumer group and transaction come up faster.
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // The default 128 MB compaction buffer would sit on the heap of a worker that also holds models.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        // One machine, few members: KIP-848 groups settle in about a second instead of the 5 s heartbeat default.
        p.put("group.consumer.min.heartbeat.interval.ms", "500");
        p.put("group.consumer.heartbeat.interval.ms", "1000");
        p.putAll(overrides);
        Properties props = new Properties();
        props.putAll(p);
        return props;
    }

    /**
     * SASL/PLAIN on the client listener with the standard ACL authorizer: nothing is allowed without an ACL. The
     * broker talks to itself as {@link #SUPER_USER}; its own connections to the controller listener (plaintext,
     * loopback) are ANONYMOUS and must be super too.
     */
    private Map<String, String> saslProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required")
                .append(" username=\"").append(SUPER_USER).append("\" password=\"")
                .append(saslUsers.get(SUPER_USER)).append('"');
        saslUsers.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
        p.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.append(';').toString());
        p.put("sasl.enabled.mechanisms", "PLAIN");
        p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.put("super.users", "User:" + SUPER_USER + ";User:ANONYMOUS");
        p.put("allow.everyone.if.no.acl.found", "false");
        return p;
    }

    /** Client properties that log in as {@code user} on a broker built with {@link Builder#saslPlain}. */
    public static Map<String, String> saslClientProperties(String user, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + user + "\" password=\"" + password + "\";");
    }

    private void format(KafkaConfig config) {
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setClusterId(Uuid.randomUuid().toString())
                .setNodeId(config.nodeId())
                .setDirectories(List.of(logDir.toString()))
                .setMetadataLogDirectory(logDir.toString())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES);
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot format Kafka log directory " + logDir + ": " + e.getMessage(), e);
        }
    }

    private void requireResolved() {
        if (logDir == null) {
            throw new IllegalStateException("Kafka broker has not been started yet; call start() first");
        }
    }

    private static void shutdown(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }

    /** Options for an {@link EmbeddedKafkaBroker}. */
    public static final class Builder {
        private int port;
        private Path logDir;
        private int maxMessageBytes = DEFAULT_MAX_MESSAGE_BYTES;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private Map<String, String> saslUsers;

        private Builder() {
        }

        /**
         * SASL/PLAIN authentication with these users (name → password, including {@link #SUPER_USER}) and the
         * standard ACL authorizer (KRaft's StandardAuthorizer), for tests of ACLs and tenants.
         */
        public Builder saslPlain(Map<String, String> users) {
            if (!users.containsKey(SUPER_USER)) {
                throw new IllegalArgumentException("the SASL users must include the broker's own user '" + SUPER_USER + "'");
            }
            this.saslUsers = new LinkedHashMap<>(users);
            return this;
        }

        /** PLAINTEXT port on 127.0.0.1; 0 (the default) picks a free port at the first start. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("Kafka port must be 0 (pick a free port) or 1-65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Log directory to use and keep on close. Without one, a temporary directory is created and deleted on
         * close.
         */
        public Builder logDir(Path logDir) {
            this.logDir = Objects.requireNonNull(logDir, "logDir");
            return this;
        }

        /** Largest record batch the broker accepts ({@code message.max.bytes}); default 16 MiB. */
        public Builder maxMessageBytes(int maxMessageBytes) {
            if (maxMessageBytes < 1024) {
                throw new IllegalArgumentException("maxMessageBytes must be at least 1024, got " + maxMessageBytes);
            }
            this.maxMessageBytes = maxMessageBytes;
            return this;
        }

        /** Any other broker setting, applied last (e.g. {@code num.partitions}). */
        public Builder property(String name, String value) {
            overrides.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public EmbeddedKafkaBroker build() {
            return new EmbeddedKafkaBroker(this);
        }
    }
}
