package io.xaichat.gateway;

import io.xaichat.gateway.config.GatewayConfig;
import io.xaichat.gateway.config.GatewayOptions;
import io.xaichat.schema.JobKind;
import io.xaichat.testkit.TestWorkers;
import io.xaichat.testkit.gguf.TinyGgufModels;
import io.xaichat.testkit.onnx.TinyLcmModels;
import io.xaichat.testkit.onnx.TinyQwenVlModels;
import io.xaichat.worker.Worker;
import io.xaichat.worker.chat.LlamaChatEngine;
import io.xaichat.worker.image.ImageEngineConfig;
import io.xaichat.worker.image.LcmImageEngine;
import io.xaichat.worker.vision.QwenVlEngine;
import io.xaichat.worker.vision.VisionEngineConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * The system under test: one real worker serving chat, vision and image with the test kit's tiny generated models,
 * on the shared broker and redis, and any number of gateways in this JVM.
 */
final class Stack implements AutoCloseable {
    static final String KEY_A = "sk-tenant-a-0001";
    static final String KEY_B = "sk-tenant-b-0002";
    static final String KEYS = KEY_A + "=alpha," + KEY_B + "=beta";

    final String bootstrap;
    final String redis;
    final String prefix;
    final Worker worker;
    final String models;
    private final List<Gateway> gateways = new ArrayList<>();

    Stack(String bootstrap, String redis, String prefix, Path dir) throws Exception {
        this.bootstrap = bootstrap;
        this.redis = redis;
        this.prefix = prefix;
        LlamaChatEngine chat = TestWorkers.tinyChat(TinyGgufModels.qwen2(dir));
        QwenVlEngine vision = QwenVlEngine.load(VisionEngineConfig.of("tiny-qwen2-vl",
                TinyQwenVlModels.write(dir.resolve("vision"), 7)).withDefaultMaxTokens(8));
        LcmImageEngine image = LcmImageEngine.open(ImageEngineConfig.of("tiny-lcm",
                TinyLcmModels.write(dir.resolve("image"), TinyLcmModels.Variant.FLOAT32, 11, "red", "fox"), 1, null));
        worker = TestWorkers.start(TestWorkers.config(bootstrap, redis, prefix, "w-" + prefix, JobKind.CHAT,
                JobKind.VISION, JobKind.IMAGE), chat, vision, image);
        models = "chat=" + chat.modelId() + ",vision=tiny-qwen2-vl,image=tiny-lcm";
    }

    /** The gateway's options as an operator would give them (flags), plus {@code extra}. */
    String[] args(String gatewayId, String... extra) {
        List<String> a = new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1", "--api-keys", KEYS,
                "--gateway-id", gatewayId, "--bootstrap-servers", bootstrap, "--redis-url", redis,
                "--topic-prefix", prefix, "--models", models, "--batch-lease", "3s", "--request-timeout", "2m"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    Gateway gateway(String gatewayId, String... extra) {
        GatewayConfig config = CommandLine.populateCommand(new GatewayOptions(), args(gatewayId, extra)).toConfig();
        Gateway g = Gateway.start(config);
        gateways.add(g);
        return g;
    }

    static String url(Gateway g) {
        return "http://127.0.0.1:" + g.port() + "/v1";
    }

    @Override
    public void close() {
        gateways.forEach(Gateway::close);
        worker.close();
    }
}
