package io.xaichat.worker;

import io.xaichat.schema.JobKind;
import io.xaichat.worker.chat.ChatEngineConfig;
import io.xaichat.llama.NativeLibraryException;
import io.xaichat.worker.chat.LlamaChatEngine;
import io.xaichat.worker.chat.LlamaCppChatEngine;
import io.xaichat.worker.EngineLoadException.Reason;
import io.xaichat.worker.config.Setting;
import io.xaichat.worker.config.WorkerSettings;
import io.xaichat.worker.engine.Engine;
import io.xaichat.worker.image.ImageEngineConfig;
import io.xaichat.worker.image.LcmImageEngine;
import io.xaichat.worker.vision.QwenVlEngine;
import io.xaichat.worker.vision.VisionEngineConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BiConsumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the resident engine of each enabled kind, once, at start. Failures are {@link EngineLoadException}s that
 * say what went wrong (model missing, native library, model refused), distinct from bad settings, which are found
 * before; a missing model names the file and the command that downloads it. Any failure closes the engines already
 * loaded.
 */
public final class EngineLoader {
    private static final Logger log = LoggerFactory.getLogger(EngineLoader.class);

    /** The per-kind engine settings; only those of enabled kinds are read. */
    public record EngineConfigs(ChatEngineConfig chat, VisionEngineConfig vision, ImageEngineConfig image) {}

    private EngineLoader() {}

    public static List<Engine<?>> load(Set<JobKind> kinds, EngineConfigs configs) {
        return load(kinds, configs, (engine, took) -> {});
    }

    /** @param onLoaded told of each engine and how long it took to load (metrics) */
    public static List<Engine<?>> load(Set<JobKind> kinds, EngineConfigs configs,
                                       BiConsumer<Engine<?>, Duration> onLoaded) {
        List<Engine<?>> loaded = new ArrayList<>();
        try {
            for (JobKind kind : JobKind.values()) {
                if (!kinds.contains(kind)) continue;
                long start = System.nanoTime();
                Engine<?> engine = KindEngines.factory(kind).load(configs);
                loaded.add(engine);
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                onLoaded.accept(engine, took);
                log.info("{} model {} loaded in {} ms", kind.wireName(), engine.modelId(), took.toMillis());
            }
            return loaded;
        } catch (RuntimeException e) {
            loaded.forEach(Engine::close);
            throw e;
        }
    }

    static Engine<?> loadChat(ChatEngineConfig config) {
        requireFile(JobKind.CHAT, config.model(), WorkerSettings.CHAT_MODEL);
        try {
            return switch (config.engine()) {
                case LLAMA_CPP -> new LlamaCppChatEngine(config);
                case JAVA_LLAMA_CPP -> new LlamaChatEngine(config);
            };
        } catch (NativeLibraryException e) {
            throw new EngineLoadException(Reason.NATIVE_LIBRARY, "chat engine " + config.engine() + ": "
                    + e.getMessage() + " (or choose the java-llama-cpp engine with --chat-engine (XAICHAT_CHAT_ENGINE))", e);
        } catch (UnsatisfiedLinkError e) {
            throw new EngineLoadException(Reason.NATIVE_LIBRARY, "chat engine " + config.engine() + ": "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new EngineLoadException(Reason.MODEL_UNLOADABLE, "chat model " + config.model()
                    + " could not be loaded by the " + config.engine() + " engine: " + e.getMessage(), e);
        }
    }

    static Engine<?> loadVision(VisionEngineConfig config) {
        requireDir(JobKind.VISION, config.modelDir(), WorkerSettings.VISION_MODEL);
        try {
            return QwenVlEngine.load(config);
        } catch (UnsatisfiedLinkError e) {
            throw new EngineLoadException(Reason.NATIVE_LIBRARY, "vision engine (ONNX Runtime): " + e.getMessage(), e);
        } catch (Exception e) {
            throw new EngineLoadException(Reason.MODEL_UNLOADABLE, "vision model in " + config.modelDir() + " could not be loaded: "
                    + e.getMessage() + hint(JobKind.VISION), e);
        }
    }

    static Engine<?> loadImage(ImageEngineConfig config) {
        requireDir(JobKind.IMAGE, config.modelDir(), WorkerSettings.IMAGE_MODEL);
        for (Path p : List.of(config.textEncoder(), config.unet(), config.vaeDecoder())) {
            requireFile(JobKind.IMAGE, p, WorkerSettings.IMAGE_MODEL);
        }
        if (config.outputDir() == null) {
            log.warn("image: no --output-dir (XAICHAT_OUTPUT_DIR), so every PNG is returned inline; one above ~750 KB "
                    + "exceeds a broker's default max.message.bytes (1 MB) and ends as reply_failed");
        }
        try {
            return LcmImageEngine.open(config);
        } catch (UnsatisfiedLinkError e) {
            throw new EngineLoadException(Reason.NATIVE_LIBRARY, "image engine (ONNX Runtime): " + e.getMessage(), e);
        } catch (Exception e) {
            throw new EngineLoadException(Reason.MODEL_UNLOADABLE, "image model in " + config.modelDir() + " could not be loaded: "
                    + e.getMessage() + hint(JobKind.IMAGE), e);
        }
    }

    private static void requireFile(JobKind kind, Path file, Setting<Path> model) {
        String setting = model.label();
        if (!Files.isRegularFile(file)) {
            throw new EngineLoadException(Reason.MODEL_MISSING, kind.wireName() + " model file not found: "
                    + file.toAbsolutePath() + hint(kind) + ", or point " + setting + " at the file", null);
        }
    }

    private static void requireDir(JobKind kind, Path dir, Setting<Path> model) {
        String setting = model.label();
        if (!Files.isDirectory(dir)) {
            throw new EngineLoadException(Reason.MODEL_MISSING, kind.wireName() + " model directory not found: "
                    + dir.toAbsolutePath() + hint(kind) + ", or point " + setting + " at the directory", null);
        }
    }

    private static String hint(JobKind kind) {
        return "; download it with: xaichat models pull " + kind.wireName()
                + " (or serve fewer kinds, e.g. --no-" + kind.wireName() + ")";
    }
}
