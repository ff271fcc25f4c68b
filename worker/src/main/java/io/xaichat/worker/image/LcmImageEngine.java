package io.xaichat.worker.image;

import io.xaichat.schema.Sha256;
import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.ImageRequest;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.Usage;
import io.xaichat.worker.cpu.CpuSet;
import io.xaichat.worker.engine.ChunkSink;
import io.xaichat.worker.engine.Engine;
import io.xaichat.worker.engine.EngineResult;
import io.xaichat.worker.engine.JobFailure;
import io.xaichat.worker.engine.ModelFingerprint;
import io.xaichat.worker.engine.PreparedJob;
import io.xaichat.worker.onnx.OnnxSessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Text-to-image jobs on a resident {@link LcmPipeline}. The result is a JSON object with the PNG (inline as base64,
 * or a file path when larger than the configured inline limit), the size, the seed actually used, the steps and
 * guidance scale, and per-stage timings.
 */
public final class LcmImageEngine implements Engine<ImageRequest> {
    private final ImageEngineConfig config;
    private final LcmPipeline pipeline;
    private final String digest;
    private final AtomicLong inferences = new AtomicLong();

    private LcmImageEngine(ImageEngineConfig config, LcmPipeline pipeline, String digest) {
        this.config = config;
        this.pipeline = pipeline;
        this.digest = digest;
    }

    /** Checks the model directory ({@link LcmModelCheck}), then opens it; fails naming what is missing. */
    public static LcmImageEngine open(ImageEngineConfig config) throws IOException {
        LcmModelCheck.Report check = LcmModelCheck.inspect(config);
        if (!check.ok()) {
            throw new IOException("image model " + config.modelDir() + " cannot be loaded: "
                    + String.join("; ", check.problems()));
        }
        String digest = ModelFingerprint.of(check.files());
        try {
            return new LcmImageEngine(config, LcmPipeline.open(config, new OnnxSessions(config.threads(), config.cpus())),
                    digest);
        } catch (OrtException e) {
            throw new IOException("cannot load the LCM model from " + config.modelDir() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public JobKind kind() {
        return JobKind.IMAGE;
    }

    @Override
    public String modelId() {
        return config.modelId();
    }

    @Override
    public String modelDigest() {
        return digest;
    }

    /** The plan is the request with the configured defaults and its cache material: nothing else goes in. */
    @Override
    public boolean plansFollowFromRequest() {
        return true;
    }

    @Override
    public PreparedJob<ImageRequest> prepare(JobEnvelope job) throws JobFailure {
        ImageRequest r = ImageRequests.resolve(job.request(), config);
        ObjectNode material = Json.MAPPER.createObjectNode()
                .put("prompt", r.prompt())
                .put("steps", r.steps())
                .put("width", r.width())
                .put("height", r.height())
                .put("guidance_scale", r.guidanceScale());
        if (r.seed() != null) material.put("seed", r.seed());
        return new PreparedJob<>(job, r, material, r.seed() != null, r.streaming());
    }

    @Override
    public EngineResult run(PreparedJob<ImageRequest> job, ChunkSink sink) throws JobFailure {
        ImageRequest r = job.plan();
        // Without a seed each run draws one; it is reported so the client can reproduce the image.
        long seed = r.seed() != null ? r.seed() : ThreadLocalRandom.current().nextLong(ImageRequests.MAX_SEED + 1);
        int steps = r.steps();
        LcmPipeline.Generated image;
        try {
            image = pipeline.generate(r.prompt(), steps, r.width(), r.height(), r.guidanceScale(), seed,
                    step -> {
                        if (job.streaming()) sink.progress(step, steps);
                    });
        } catch (OrtException | RuntimeException e) {
            throw new JobFailure(ErrorCode.ENGINE_FAILURE, "image generation failed: " + e.getMessage(), e);
        }
        inferences.incrementAndGet();

        long pngStart = System.nanoTime();
        byte[] png = PngEncoder.encode(image.image());
        long pngMs = (System.nanoTime() - pngStart) / 1_000_000;

        ObjectNode out = Json.MAPPER.createObjectNode();
        if (png.length <= config.inlineLimitBytes() || config.outputDir() == null) {
            out.put("png_base64", Base64.getEncoder().encodeToString(png));
        } else {
            out.put("path", writePng(job.envelope().jobId(), png).toString());
        }
        out.put("width", r.width()).put("height", r.height()).put("seed", seed).put("steps", steps)
                .put("guidance_scale", r.guidanceScale());
        ObjectNode timings = out.putObject("timings_ms");
        timings.put("encode", image.encodeMs());
        ArrayNode stepTimes = timings.putArray("steps");
        for (long ms : image.stepMs()) stepTimes.add(ms);
        timings.put("decode", image.decodeMs()).put("png", pngMs);
        return new EngineResult(out, new Usage(image.promptTokens(), 0), null);
    }

    /**
     * Writes atomically (temp file + move) so a reader never sees half a PNG. The name is a hash of the content
     * alone: a cached result keeps pointing at its own image whatever later jobs do, and a cache hit handed to
     * another job reveals nothing about the job that computed it (no job id in the name).
     */
    private Path writePng(String jobId, byte[] png) throws JobFailure {
        Path dir = config.outputDir();
        String name = "xaichat-" + contentTag(png) + ".png";
        Path target = dir.resolve(name).toAbsolutePath();
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".png-", ".tmp");
            Files.write(tmp, png);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new JobFailure(ErrorCode.ENGINE_FAILURE, "cannot write the image to " + target + ": " + e, e);
        }
    }

    /** The first 24 hex digits of the PNG's SHA-256. */
    private static String contentTag(byte[] png) {
        return Sha256.prefix(png, 24);
    }

    @Override
    public CpuSet cpus() {
        return config.cpus();
    }

    @Override
    public long inferenceCount() {
        return inferences.get();
    }

    @Override
    public void close() {
        pipeline.close();
    }
}
