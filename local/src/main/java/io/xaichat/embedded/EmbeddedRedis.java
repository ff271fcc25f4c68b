package io.xaichat.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * A real redis-server child process (the binary bundled in embedded-redis) bound to 127.0.0.1, without
 * persistence. {@link #stop()} ends the process and {@link #start()} runs a fresh, empty one on the same port.
 *
 * <pre>{@code
 * try (EmbeddedRedis redis = EmbeddedRedis.startDefault()) {
 *     String url = redis.url(); // "redis://127.0.0.1:PORT"
 * }
 * }</pre>
 */
public final class EmbeddedRedis extends LocalServer {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedRedis.class);
    // The server's own stdout/stderr; WARN by default in logback.xml, DEBUG shows it.
    private static final Logger serverOutput = LoggerFactory.getLogger("redis.embedded.server");

    private final int requestedPort;
    private String password;
    private Tls tls;
    private int port;
    private Path workDir;
    private Path binary;
    private RedisServer server;

    private EmbeddedRedis(int port) {
        this.requestedPort = port;
    }

    /** A Redis on the given port of 127.0.0.1, not yet started; 0 picks a free port at the first start. */
    public static EmbeddedRedis onPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("Redis port must be 0 (pick a free port) or 1-65535, got " + port);
        }
        return new EmbeddedRedis(port);
    }

    /**
     * TLS settings: the server then listens with TLS only (no plaintext port) and {@link #url()} is
     * {@code rediss://}. Clients must trust {@code caCert}.
     */
    public record Tls(Path cert, Path key, Path caCert) {}

    /** Requires AUTH with this password (set before the first start); {@link #url()} then carries it. */
    public synchronized EmbeddedRedis withPassword(String secret) {
        if (secret == null || secret.isEmpty() || secret.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("a Redis password must be non-empty and without spaces");
        }
        this.password = secret;
        return this;
    }

    /** Serves TLS only, with these files (set before the first start). */
    public synchronized EmbeddedRedis withTls(Tls settings) {
        this.tls = settings;
        return this;
    }

    /** A random password of 32 hex digits, for a server nobody else should reach. */
    public static String randomPassword() {
        byte[] bytes = new byte[16];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /** A Redis on a free port, already started. */
    public static EmbeddedRedis startDefault() {
        return onPort(0).start();
    }

    /** Starts redis-server and returns once it accepts connections; later starts reuse the same port. */
    @Override
    public synchronized EmbeddedRedis start() {
        startIfStopped();
        return this;
    }

    @Override
    void launch() {
        try {
            if (workDir == null) {
                workDir = Files.createTempDirectory("xaichat-redis-");
                deleteOnClose(workDir);
                // Our own copy of the bundled binary: the library's default extracts a new one per server into
                // a temp dir that is removed only at JVM exit.
                binary = ExecutableProvider.newJarResourceProvider(workDir.toFile()).get().toPath();
                port = requestedPort != 0 ? requestedPort : FreePorts.loopback();
            }
            FreePorts.requireFree(port, "Redis");
            RedisServer started = new RedisServer(port, commandLine(), false,
                    serverOutput::debug, serverOutput::warn);
            started.start();
            server = started;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start redis-server on 127.0.0.1:" + port + ": " + e.getMessage(), e);
        }
        log.info("Redis listening on {}", description());
    }

    /** Ends the server process; its data is gone (there is no persistence). */
    @Override
    void halt() {
        RedisServer stopping = server;
        server = null;
        try {
            stopping.stop();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot stop redis-server on 127.0.0.1:" + port, e);
        }
    }

    @Override
    String description() {
        return "Redis on " + (tls == null ? "redis" : "rediss") + "://127.0.0.1:" + port()
                + (password == null ? "" : " (password required)");
    }

    /**
     * {@code redis://127.0.0.1:PORT}, {@code rediss://} with TLS, with {@code :PASSWORD@} when one is required;
     * valid once started at least once. It carries the password: do not log it.
     */
    public synchronized String url() {
        return (tls == null ? "redis" : "rediss") + "://" + (password == null ? "" : ":" + password + "@")
                + "127.0.0.1:" + port();
    }

    public synchronized int port() {
        if (workDir == null) {
            throw new IllegalStateException("Redis has not been started yet; call start() first");
        }
        return port;
    }

    /** Package-visible for the tests that check cleanup. */
    synchronized Path workDir() {
        return workDir;
    }

    private List<String> commandLine() {
        List<String> line = new java.util.ArrayList<>(List.of(binary.toString(),
                "--port", Integer.toString(tls == null ? port : 0),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", workDir.toString()));
        if (password != null) line.addAll(List.of("--requirepass", password));
        if (tls != null) {
            line.addAll(List.of("--tls-port", Integer.toString(port), "--tls-cert-file", tls.cert().toString(),
                    "--tls-key-file", tls.key().toString(), "--tls-ca-cert-file", tls.caCert().toString(),
                    "--tls-auth-clients", "no"));
        }
        return line;
    }
}
