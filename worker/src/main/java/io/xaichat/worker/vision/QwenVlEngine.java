package io.xaichat.worker.vision;

import io.xaichat.schema.Sha256;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.JobEnvelope;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Json;
import io.xaichat.schema.Usage;
import io.xaichat.schema.VisionRequest;
import io.xaichat.worker.cpu.CpuSet;
import io.xaichat.worker.engine.ChunkSink;
import io.xaichat.worker.engine.Engine;
import io.xaichat.worker.engine.EngineResult;
import io.xaichat.worker.engine.JobFailure;
import io.xaichat.worker.engine.ModelFingerprint;
import io.xaichat.worker.engine.PreparedJob;
import io.xaichat.worker.onnx.Generation;
import io.xaichat.worker.engine.SamplingCheck;
import io.xaichat.worker.onnx.GenerationSettings;
import io.xaichat.worker.onnx.HfTokenizer;
import io.xaichat.worker.onnx.OnnxCausalLmDecoder;
import io.xaichat.worker.onnx.OnnxSessions;
import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Qwen2-VL (onnx-community export) answering a question about an image: preprocess the image into patches, encode
 * them with {@code vision_encoder}, embed the ChatML prompt with {@code embed_tokens}, put the image features in
 * place of the {@code <|image_pad|>} tokens, then decode with M-RoPE positions through {@code decoder_model_merged}.
 */
public final class QwenVlEngine implements Engine<VisionPlan> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(QwenVlEngine.class);
    private static final String DEFAULT_SYSTEM = "You are a helpful assistant.";

    private final VisionEngineConfig config;
    private final OnnxSessions sessions;
    private final OrtSession visionEncoder;
    private final OrtSession embedTokens;
    private final OrtSession decoderSession;
    private final OnnxCausalLmDecoder decoder;
    private final HfTokenizer tokenizer;
    private final QwenVlImageProcessor processor;
    private final ImageInput imageInput;
    private final ChatMlPrompt prompt;
    private final Set<Long> stopTokens;
    private final double repetitionPenalty;
    private final QwenVlModelConfig modelConfig;
    private final VisionJobMemory memory;
    private final String digest;
    private final AtomicLong inferences = new AtomicLong();

    private QwenVlEngine(VisionEngineConfig config, OnnxSessions sessions, OrtSession visionEncoder,
                         OrtSession embedTokens, OrtSession decoderSession, HfTokenizer tokenizer,
                         QwenVlImageProcessor processor, List<Path> files) throws OrtException, IOException {
        this.config = config;
        this.sessions = sessions;
        this.visionEncoder = visionEncoder;
        this.embedTokens = embedTokens;
        this.decoderSession = decoderSession;
        this.decoder = new OnnxCausalLmDecoder(sessions.environment(), decoderSession);
        if (!decoder.takesEmbeddings() || decoder.positionRows() != 3) {
            throw new IllegalArgumentException("decoder of " + config.modelDir() + " must take inputs_embeds and "
                    + "3-row M-RoPE position_ids; it takes " + (decoder.takesEmbeddings() ? "embeddings" : "token ids")
                    + " and " + decoder.positionRows() + " position rows");
        }
        this.tokenizer = tokenizer;
        this.processor = processor;
        this.imageInput = new ImageInput(config.inputDir(), config.maxImageBytes(), config.maxImagePixels());
        this.prompt = new ChatMlPrompt(tokenizer);
        this.stopTokens = stopTokens(config.modelDir(), tokenizer);
        this.repetitionPenalty = repetitionPenalty(config.modelDir());
        this.modelConfig = QwenVlModelConfig.read(config.modelDir());
        this.memory = new VisionJobMemory(modelConfig, decoder.signature().cacheBytesPerToken(),
                decoder.signature().lastLogitsOnly());
        this.digest = ModelFingerprint.of(files);
    }

    /**
     * Checks the model directory ({@link QwenVlModelCheck}: files, external data, graph inputs), then opens the three
     * sessions and the tokenizer; fails with a message naming what is missing or does not match.
     */
    public static QwenVlEngine load(VisionEngineConfig config) throws IOException, OrtException {
        QwenVlModelCheck.Report check = QwenVlModelCheck.inspect(config.modelDir(), config.variant());
        if (!check.ok()) {
            throw new IOException("vision model " + config.modelDir() + " (variant " + config.variantName()
                    + ") cannot be loaded: " + String.join("; ", check.problems()));
        }
        for (String warning : check.warnings()) LOG.warn("{}", warning);
        QwenVlImageProcessor processor = new QwenVlImageProcessor(PreprocessorConfig.read(config.modelDir(),
                config.minPixels(), config.maxPixels(), config.maxImageTokens()));
        OnnxSessions sessions = new OnnxSessions(config.threads(), config.cpus());
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            HfTokenizer tokenizer = track(opened, HfTokenizer.load(config.modelDir().resolve("tokenizer.json")));
            OrtSession vision = track(opened, open(sessions, config, "vision_encoder", check));
            OrtSession embed = track(opened, open(sessions, config, "embed_tokens", check));
            OrtSession decoder = track(opened, open(sessions, config, "decoder_model_merged", check));
            return new QwenVlEngine(config, sessions, vision, embed, decoder, tokenizer, processor, check.files());
        } catch (IOException | OrtException | RuntimeException e) {
            for (AutoCloseable c : opened) {
                try {
                    c.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** Opens one graph; a missing CPU kernel (q4f16's fused fp16 operators) becomes advice on the variant. */
    private static OrtSession open(OnnxSessions sessions, VisionEngineConfig config, String name,
                                   QwenVlModelCheck.Report check) throws IOException, OrtException {
        try {
            return sessions.open(config.onnxFile(name));
        } catch (OrtException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("NOT_IMPLEMENTED") || message.contains("Failed to find kernel")
                    || message.contains("Could not find an implementation")) {
                throw new IOException(config.onnxFile(name).getFileName() + " (variant " + config.variantName()
                        + ") uses an operator ONNX Runtime's CPU provider has no kernel for: " + message
                        + (check.warnings().isEmpty() ? "" : " (" + String.join("; ", check.warnings()) + ")")
                        + ". Use a variant with fp32 activations: --vision-variant q4 or int8", e);
            }
            throw e;
        }
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> opened, T resource) {
        opened.add(resource);
        return resource;
    }

    @Override
    public JobKind kind() {
        return JobKind.VISION;
    }

    @Override
    public String modelId() {
        return config.modelId();
    }

    @Override
    public String modelDigest() {
        return digest;
    }

    @Override
    public PreparedJob<VisionPlan> prepare(JobEnvelope job) throws JobFailure {
        VisionRequest request;
        try {
            request = Json.convert(job.request(), VisionRequest.class);
        } catch (IllegalArgumentException e) {
            throw new JobFailure(ErrorCode.INVALID_REQUEST, "vision request does not parse: " + e.getMessage(), e);
        }
        if (request == null) throw new JobFailure(ErrorCode.INVALID_REQUEST, "vision request is empty");
        if (request.question() == null || request.question().isBlank()) {
            throw new JobFailure(ErrorCode.INVALID_REQUEST, "vision request needs a non-empty question");
        }
        for (String text : new String[] {request.question(), request.system()}) {
            String special = text == null ? null : tokenizer.specialTokenIn(text);
            if (special != null) {
                throw new JobFailure(ErrorCode.INVALID_REQUEST, "question and system must not contain the special "
                        + "token '" + special + "': it would break the chat template");
            }
        }
        GenerationSettings settings = settings(request, request.seed() != null ? request.seed() : 0);
        byte[] bytes = imageInput.bytes(request.image());
        // Size, prompt length and memory are judged from the image header, before any pixel is decoded.
        java.awt.Dimension header = imageInput.dimensions(bytes);
        QwenVlImageProcessor.Size size;
        try {
            size = processor.targetSize(header.height, header.width);
        } catch (IllegalArgumentException e) {
            throw new JobFailure(ErrorCode.INPUT_REJECTED, e.getMessage(), e);
        }
        checkFits(request, settings, header, size);
        QwenVlImageProcessor.Resized image; // decoded and resized once; a corrupt image is refused here, not in run()
        try {
            image = processor.resize(imageInput.decode(bytes));
        } catch (IllegalArgumentException e) {
            throw new JobFailure(ErrorCode.INPUT_REJECTED, e.getMessage(), e);
        }
        boolean deterministic = settings.greedy() || request.seed() != null;

        ObjectNode material = Json.MAPPER.createObjectNode();
        material.put("image_sha256", Sha256.hex(bytes));
        material.put("question", request.question());
        material.put("system", systemText(request));
        material.put("max_tokens", settings.maxTokens());
        material.put("temperature", settings.temperature());
        if (!settings.greedy()) {
            material.put("top_p", settings.topP());
            material.put("top_k", settings.topK());
            if (request.seed() != null) material.put("seed", request.seed());
        }
        material.set("stop", Json.MAPPER.valueToTree(settings.stop()));
        material.put("min_pixels", processor.settings().minPixels());
        material.put("max_pixels", processor.settings().maxPixels());
        material.put("resized", size.width() + "x" + size.height());

        // The plan holds the pixels that were checked, so run() sees the same image even if the file changes.
        return new PreparedJob<>(job, new VisionPlan(request, image, settings), material, deterministic,
                request.streaming());
    }

    @Override
    public EngineResult run(PreparedJob<VisionPlan> job, ChunkSink sink) throws JobFailure {
        VisionPlan plan = job.plan();
        VisionRequest request = plan.request();
        GenerationSettings settings = request.seed() != null ? plan.settings()
                : plan.settings().withSeed(ThreadLocalRandom.current().nextLong());
        try {
            QwenVlImageProcessor.Patches patches = processor.patches(plan.image());
            float[] features = encodeImage(patches);
            long[] ids = prompt.tokens(systemText(request), request.question(), patches.imageTokens());
            int m = patches.mergeSize();
            MRope.Positions positions = MRope.forPrompt(ids, prompt.imagePad(),
                    List.of(new MRope.Grid(patches.gridT(), patches.gridH() / m, patches.gridW() / m)));
            OnnxTensor embeds = promptEmbeddings(ids, features);
            Generation out = decoder.generate(
                    new OnnxCausalLmDecoder.Prompt(embeds, ids.length, positions.ids(), positions.next(), ids),
                    this::embedToken, tokenizer, stopTokens, settings, job.streaming(), sink);
            inferences.incrementAndGet();
            return new EngineResult(TextNode.valueOf(out.text()),
                    new Usage(out.promptTokens(), out.completionTokens()), out.finishReason());
        } catch (OrtException | RuntimeException e) {
            throw new JobFailure(ErrorCode.ENGINE_FAILURE, "vision inference failed: " + e.getMessage(), e);
        }
    }

    /** Refuses a job whose prompt does not fit the context or whose estimated memory is over the limit. */
    private void checkFits(VisionRequest request, GenerationSettings settings, java.awt.Dimension header,
                           QwenVlImageProcessor.Size size) throws JobFailure {
        long patches = patches(size);
        int promptTokens = promptTokens(systemText(request), request.question(), patches);
        int imageTokens = imageTokens(patches);
        if ((long) promptTokens + settings.maxTokens() > modelConfig.contextLength()) {
            throw new JobFailure(ErrorCode.PROMPT_TOO_LONG, "the prompt is " + promptTokens + " tokens (" + imageTokens
                    + " for the image) and max_tokens is " + settings.maxTokens() + "; together they exceed the model's "
                    + "context of " + modelConfig.contextLength() + " tokens");
        }
        long estimate = memory.bytes((long) header.width * header.height, patches, promptTokens, settings.maxTokens());
        if (estimate > config.jobMemoryLimit()) {
            throw new JobFailure(ErrorCode.INPUT_REJECTED, "image " + header.width + "×" + header.height
                    + " resizes to " + size.width() + "×" + size.height() + " = " + patches + " patches; the job would "
                    + "need about " + mib(estimate) + " MiB, over the limit of " + mib(config.jobMemoryLimit())
                    + " MiB (--vision-job-memory-mib / XAICHAT_VISION_JOB_MEMORY_MIB). Send a smaller image or "
                    + "lower --vision-max-image-tokens / XAICHAT_VISION_MAX_IMAGE_TOKENS (now "
                    + config.maxImageTokens() + ")");
        }
    }

    /** The worker's memory estimate for a job on an image of the given size, in bytes (used by the bench). */
    public long estimateBytes(int width, int height, String question, int maxTokens) {
        long patches = patches(processor.targetSize(height, width));
        return memory.bytes((long) width * height, patches, promptTokens(DEFAULT_SYSTEM, question, patches), maxTokens);
    }

    private long patches(QwenVlImageProcessor.Size size) {
        int p = processor.settings().patchSize();
        return (long) (size.height() / p) * (size.width() / p);
    }

    private int imageTokens(long patches) {
        int m = processor.settings().mergeSize();
        return (int) (patches / ((long) m * m));
    }

    private int promptTokens(String system, String question, long patches) {
        return prompt.tokens(system, question, imageTokens(patches)).length;
    }

    private static long mib(long bytes) {
        return (bytes + (1 << 20) - 1) >> 20;
    }

    private GenerationSettings settings(VisionRequest r, long seed) throws JobFailure {
        int maxTokens = r.maxTokens() != null ? r.maxTokens() : config.defaultMaxTokens();
        double temperature = r.temperature() != null ? r.temperature() : 0.0;
        double topP = r.topP() != null ? r.topP() : 1.0;
        int topK = r.topK() != null ? r.topK() : 0;
        SamplingCheck.check(maxTokens, temperature, topP, topK, r.seed());
        return new GenerationSettings(maxTokens, temperature, topP, topK, seed, r.stop(), repetitionPenalty);
    }

    private static String systemText(VisionRequest r) {
        return r.system() != null ? r.system() : DEFAULT_SYSTEM;
    }

    /** image_features [tokens, hidden] as floats. */
    private float[] encodeImage(QwenVlImageProcessor.Patches patches) throws OrtException {
        var env = sessions.environment();
        OnnxJavaType pixelType = OnnxCausalLmDecoder.tensorType(visionEncoder.getInputInfo().get("pixel_values"));
        try (OnnxTensor pixels = OnnxCausalLmDecoder.floatTensor(env, patches.pixelValues(),
                     new long[] {patches.rows(), patches.rowLength()}, pixelType);
             OnnxTensor grid = OnnxTensor.createTensor(env, LongBuffer.wrap(
                     new long[] {patches.gridT(), patches.gridH(), patches.gridW()}), new long[] {1, 3});
             OrtSession.Result result = visionEncoder.run(Map.of("pixel_values", pixels, "grid_thw", grid))) {
            float[] features = OnnxCausalLmDecoder.floats((OnnxTensor) result.get(0));
            long expectedRows = patches.imageTokens();
            if (features.length % expectedRows != 0) {
                throw new IllegalStateException("vision encoder returned " + features.length + " values for "
                        + expectedRows + " image tokens");
            }
            return features;
        }
    }

    /** Embeddings of the prompt with the image features in place of the image pad tokens. */
    private OnnxTensor promptEmbeddings(long[] ids, float[] features) throws OrtException {
        float[] embeds;
        try (OnnxTensor input = OnnxTensor.createTensor(sessions.environment(), LongBuffer.wrap(ids),
                     new long[] {1, ids.length});
             OrtSession.Result result = embedTokens.run(Map.of("input_ids", input))) {
            embeds = OnnxCausalLmDecoder.floats((OnnxTensor) result.get(0));
        }
        int hidden = embeds.length / ids.length;
        if (features.length % hidden != 0) {
            throw new IllegalStateException("image features do not have the text hidden size " + hidden);
        }
        int row = 0;
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == prompt.imagePad()) {
                System.arraycopy(features, row++ * hidden, embeds, i * hidden, hidden);
            }
        }
        if (row * hidden != features.length) {
            throw new IllegalStateException("prompt has " + row + " image pad tokens but the encoder returned "
                    + features.length / hidden + " feature rows");
        }
        return OnnxCausalLmDecoder.floatTensor(sessions.environment(), embeds,
                new long[] {1, ids.length, hidden}, decoder.inputType());
    }

    /** One generated token's embedding straight from embed_tokens: it stays a native tensor. */
    private OnnxTensor embedToken(long id) throws OrtException {
        try (OnnxTensor input = OnnxTensor.createTensor(sessions.environment(), LongBuffer.wrap(new long[] {id}),
                new long[] {1, 1})) {
            OrtSession.Result result = embedTokens.run(Map.of("input_ids", input));
            OnnxValue value = result.get(0);
            if (((OnnxTensor) value).getInfo().type != decoder.inputType()) {
                try (result) {
                    float[] v = OnnxCausalLmDecoder.floats((OnnxTensor) value);
                    return OnnxCausalLmDecoder.floatTensor(sessions.environment(), v, new long[] {1, 1, v.length},
                            decoder.inputType());
                }
            }
            return (OnnxTensor) value; // the result holds nothing else; the decoder closes this tensor
        }
    }

    private static Set<Long> stopTokens(Path modelDir, HfTokenizer tokenizer) throws IOException {
        Set<Long> stops = new LinkedHashSet<>();
        tokenizer.tokenId("<|im_end|>").ifPresent(stops::add);
        tokenizer.tokenId("<|endoftext|>").ifPresent(stops::add);
        Path generation = modelDir.resolve("generation_config.json");
        if (Files.isRegularFile(generation)) {
            JsonNode eos = Json.tree(Files.readAllBytes(generation)).path("eos_token_id");
            if (eos.isNumber()) stops.add(eos.asLong());
            for (JsonNode id : eos) stops.add(id.asLong());
        }
        if (stops.isEmpty()) throw new IOException("tokenizer of " + modelDir + " has neither <|im_end|> nor <|endoftext|>");
        return Set.copyOf(stops);
    }

    /** generation_config.json's repetition_penalty (Qwen2-VL-2B-Instruct: 1.05), or 1 (none). */
    private static double repetitionPenalty(Path modelDir) throws IOException {
        Path generation = modelDir.resolve("generation_config.json");
        if (!Files.isRegularFile(generation)) return 1.0;
        double p = Json.tree(Files.readAllBytes(generation)).path("repetition_penalty").asDouble(1.0);
        if (!(p > 0)) throw new IOException(generation + " has repetition_penalty " + p + "; it must be > 0");
        return p;
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
        for (AutoCloseable c : List.<AutoCloseable>of(decoderSession, embedTokens, visionEncoder, tokenizer)) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing native handles at shutdown; nothing useful to do with a failure
            }
        }
    }
}
