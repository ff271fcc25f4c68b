package io.xaichat.bench;

import io.xaichat.testkit.onnx.ClipTestVocab;
import io.xaichat.worker.engine.JobFailure;
import io.xaichat.worker.image.ClipTokenizer;
import io.xaichat.worker.image.LcmScheduler;
import io.xaichat.worker.image.PngEncoder;
import io.xaichat.worker.image.SeededGaussian;
import io.xaichat.worker.vision.ImageInput;
import io.xaichat.worker.vision.QwenVlImageProcessor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Figure 6: the work of the image and vision pipelines that runs outside ONNX Runtime, one operation per
 * benchmark, each on the sizes of a real job. Sample time gives each call's duration, so the report shows the
 * median and the 99th percentile rather than only a mean.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PreprocessingBenchmarks {
    /** A typical text-to-image prompt: 24 words, ~30 CLIP tokens. */
    static final String PROMPT = "a photo of a cat sitting on a red velvet sofa next to a window, warm evening light, "
            + "soft shadows, highly detailed fur, shallow depth of field, 35mm film";

    private ClipTokenizer tokenizer;
    private LcmScheduler scheduler;
    private int[] timesteps;
    private float[] latents;
    private float[] epsilon;
    private SeededGaussian noise;
    private byte[] jpeg;
    private ImageInput imageInput;
    private QwenVlImageProcessor processor;
    private BufferedImage picture;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path vocab = Files.createTempDirectory("xaichat-bench-clip");
        // The test vocabulary has the real file format but few merges: unknown words split into byte symbols,
        // which makes BPE do more merge rounds per word than the real 49k-merge vocabulary would.
        tokenizer = ClipTokenizer.load(ClipTestVocab.write(vocab, "sitting", "on", "red", "sofa", "window"));
        scheduler = new LcmScheduler();
        timesteps = scheduler.timesteps(6);
        int latentValues = 4 * 64 * 64; // a 512×512 image's latents
        noise = new SeededGaussian(1);
        latents = noise.next(latentValues);
        epsilon = noise.next(latentValues);
        jpeg = SyntheticImages.jpeg(SyntheticImages.photoLike(1024, 768, 3));
        imageInput = new ImageInput(null, 20L << 20, 50_000_000L);
        processor = new QwenVlImageProcessor(QwenVlImageProcessor.Settings.defaults());
        picture = SyntheticImages.photoLike(512, 512, 5);
    }

    @Benchmark
    public ClipTokenizer.Tokens clipTokenize() {
        return tokenizer.encode(PROMPT);
    }

    /** One of the scheduler's steps (the first: it also draws the noise for the next timestep). */
    @Benchmark
    public float[] lcmSchedulerStep() {
        return scheduler.step(epsilon, 0, timesteps, latents, noise);
    }

    /** A 1024×768 JPEG, as a vision job carries it, decoded and cut into the encoder's patches. */
    @Benchmark
    public QwenVlImageProcessor.Patches visionPreprocess() throws JobFailure {
        return processor.process(imageInput.decode(jpeg));
    }

    @Benchmark
    public byte[] pngEncode512() {
        return PngEncoder.encode(picture);
    }
}
