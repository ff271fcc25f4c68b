package io.xaichat.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xaichat.client.XaiChatClient;
import io.xaichat.embedded.EmbeddedRedis;
import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.ResultEnvelope;
import io.xaichat.testkit.KafkaExtension;
import io.xaichat.testkit.KafkaHandle;
import io.xaichat.testkit.Names;
import io.xaichat.testkit.WorkerProcess;
import io.xaichat.testkit.gguf.TinyGgufModels;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.JedisPooled;

/**
 * {@code rediss://}: a real redis-server (the embedded-redis binary, built with TLS) serving TLS only, with a CA and
 * a server certificate this test generates, and a password; a worker process that trusts the CA caches through it.
 */
@Tag("faults")
@ExtendWith(KafkaExtension.class)
class RedisTlsTest {
    @TempDir
    Path dir;

    @Test
    void aWorkerCachesThroughATlsOnlyRedisWithAPassword(KafkaHandle kafka) throws Exception {
        Path ca = dir.resolve("ca.crt");
        Path cert = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        generateCertificates(ca, cert, key);
        Path trustStore = trustStore(ca, dir.resolve("trust.p12"), "changeit");
        String password = EmbeddedRedis.randomPassword();
        try (EmbeddedRedis redis = EmbeddedRedis.onPort(0).withPassword(password)
                .withTls(new EmbeddedRedis.Tls(cert, key, ca)).start()) {
            assertThat(redis.url()).startsWith("rediss://");
            // TLS only: a plaintext client on the same port gets nowhere.
            try (JedisPooled plain = new JedisPooled(URI.create("redis://:" + password + "@127.0.0.1:" + redis.port()))) {
                assertThatThrownBy(plain::ping).isInstanceOf(redis.clients.jedis.exceptions.JedisException.class);
            }
            String prefix = Names.unique("tls");
            try (WorkerProcess worker = WorkerProcess.chat("tls-worker", TinyGgufModels.qwen2(dir), dir)
                    .bootstrap(kafka.bootstrapServers()).prefix(prefix).redis(redis.url())
                    .env("JAVA_TOOL_OPTIONS", "-Djavax.net.ssl.trustStore=" + trustStore
                            + " -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12")
                    .start();
                 XaiChatClient client = XaiChatClient.start(new ChildWorkers(dir, kafka.bootstrapServers(), prefix)
                         .clientConfig())) {
                worker.awaitReady(ChildWorkers.READY);
                ChatRequest same = ChatRequest.ofPrompt("Over TLS").withTemperature(0).withMaxTokens(4);
                ResultEnvelope first = client.submit(JobEnvelope.of("tls-1", JobKind.CHAT, null, same))
                        .get(120, TimeUnit.SECONDS);
                ResultEnvelope second = client.submit(JobEnvelope.of("tls-2", JobKind.CHAT, null, same))
                        .get(120, TimeUnit.SECONDS);
                assertThat(first.cached()).isFalse();
                assertThat(second.cached()).as("cached through rediss://").isTrue();
                assertThat(worker.output()).doesNotContain(password).doesNotContain("result cache unavailable");
            }
        }
    }

    /** A CA, and a server certificate for 127.0.0.1 signed by it, with the openssl command line tool. */
    static void generateCertificates(Path ca, Path cert, Path key) throws IOException, InterruptedException {
        Path dir = ca.getParent();
        Path caKey = dir.resolve("ca.key");
        Path csr = dir.resolve("server.csr");
        Path ext = Files.writeString(dir.resolve("ext.cnf"), "subjectAltName=IP:127.0.0.1\n");
        run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey.toString(), "-out",
                ca.toString(), "-days", "1", "-subj", "/CN=xaichat-test-ca");
        run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", csr.toString(),
                "-subj", "/CN=127.0.0.1");
        run(dir, "openssl", "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-out", cert.toString(), "-days", "1", "-extfile", ext.toString());
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
        }
    }

    private static Path trustStore(Path caCert, Path file, String password) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(caCert)) {
            store.setCertificateEntry("xaichat-test-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
        return file;
    }
}
