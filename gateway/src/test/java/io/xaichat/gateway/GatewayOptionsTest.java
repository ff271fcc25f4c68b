package io.xaichat.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.xaichat.cli.XaiChat;
import io.xaichat.gateway.config.GatewayConfig;
import io.xaichat.gateway.config.GatewayOptions;
import io.xaichat.gateway.http.ApiError;
import io.xaichat.schema.JobKind;
import io.xaichat.worker.config.ConfigException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.PrintWriter;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GatewayOptionsTest {

    private static GatewayConfig parse(String... args) {
        return CommandLine.populateCommand(new GatewayOptions(), args).toConfig();
    }

    @Test
    void everyProblemIsReportedAtOnceNamingFlagAndVariable() {
        assertThatThrownBy(() -> parse("--port", "70000", "--api-keys", "short=bad.tenant", "--batch-lease", "soon",
                "--models", "chat=a", "--model-aliases", "gpt-4o=b", "--redis-url", "none"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--port/XAICHAT_GATEWAY_PORT must be between 0 and 65535")
                .hasMessageContaining("--api-keys/XAICHAT_GATEWAY_API_KEYS: key 1 is shorter than 8 characters")
                .hasMessageContaining("tenant 'bad.tenant'")
                .hasMessageContaining("--batch-lease/XAICHAT_GATEWAY_BATCH_LEASE")
                .hasMessageContaining("alias 'gpt-4o' names 'b'")
                .hasMessageContaining("--redis-url/REDIS_URL is required");
    }

    @Test
    void apiKeysAreRequired() {
        assertThatThrownBy(() -> parse("--api-keys", " "))
                .hasMessageContaining("--api-keys/XAICHAT_GATEWAY_API_KEYS is empty");
    }

    @Test
    void keysMapToTenantsAndModelsResolveByIdAliasOrDefault() {
        GatewayConfig c = parse("--api-keys", "sk-aaaaaaaa, sk-bbbbbbbb=team-b", "--models", "chat=m1,image=img",
                "--model-aliases", "gpt-4o-mini=default,dall-e-3=img");
        assertThat(c.apiKeys().tenant("Bearer sk-aaaaaaaa")).contains("default");
        assertThat(c.apiKeys().tenant("bearer sk-bbbbbbbb")).contains("team-b");
        assertThat(c.apiKeys().tenant("Bearer sk-cccccccc")).isEmpty();
        assertThat(c.apiKeys().tenant("sk-aaaaaaaa")).isEmpty();
        assertThat(c.models().resolve("m1", JobKind.CHAT)).isEqualTo("m1");
        assertThat(c.models().resolve("gpt-4o-mini", JobKind.CHAT)).isNull();
        assertThat(c.models().resolve("default", JobKind.IMAGE)).isNull();
        assertThat(c.models().resolve("dall-e-3", JobKind.IMAGE)).isEqualTo("img");
        assertThatThrownBy(() -> c.models().resolve("img", JobKind.CHAT)).isInstanceOf(ApiError.class)
                .hasMessageContaining("serves image requests");
        assertThatThrownBy(() -> c.models().resolve("default", JobKind.VISION))
                .satisfies(e -> assertThat(((ApiError) e).status()).isEqualTo(404));
        assertThatThrownBy(() -> c.models().resolve("gpt-5", JobKind.CHAT))
                .satisfies(e -> assertThat(((ApiError) e).status()).isEqualTo(404))
                .hasMessageContaining("m1");
    }

    @Test
    void composesGatewayServiceUsesOnlySettingsTheGatewayReads() throws Exception {
        Set<String> read = new TreeSet<>();
        Pattern env = Pattern.compile("\\$\\{env:([A-Z0-9_]+)");
        for (Field f : GatewayOptions.class.getDeclaredFields()) {
            CommandLine.Option o = f.getAnnotation(CommandLine.Option.class);
            if (o == null) continue;
            Matcher m = env.matcher(o.defaultValue());
            if (m.find()) read.add(m.group(1));
        }
        assertThat(read).contains("XAICHAT_GATEWAY_PORT", "XAICHAT_GATEWAY_API_KEYS", "KAFKA_BOOTSTRAP_SERVERS", "REDIS_URL");
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(Path.of("../docker-compose.yml").toFile());
        JsonNode gateway = compose.path("services").path("gateway");
        List<String> names = new ArrayList<>();
        gateway.path("environment").fieldNames().forEachRemaining(names::add);
        assertThat(names).isNotEmpty();
        assertThat(read).containsAll(names);
        assertThat(gateway.path("command").get(0).asText()).isEqualTo("gateway");
        assertThat(gateway.path("healthcheck").path("test").toString())
                .contains("127.0.0.1:" + gateway.path("environment").path("XAICHAT_GATEWAY_PORT").asText() + "/readyz");
    }

    @Test
    void theCliHasGatewayAndLocalGatewayCommands() {
        CommandLine cli = XaiChat.commandLine();
        assertThat(cli.getSubcommands()).containsKey("gateway");
        assertThat(cli.getSubcommands().get("local").getSubcommands()).containsKey("gateway");
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("gateway", "--api-keys", "", "--port", "-1");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--api-keys/XAICHAT_GATEWAY_API_KEYS").contains("--port/XAICHAT_GATEWAY_PORT");
    }
}
