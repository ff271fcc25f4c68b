package io.xaichat.worker.vision;

import io.xaichat.schema.VisionRequest;
import io.xaichat.worker.onnx.GenerationSettings;

/**
 * What the vision engine prepared for a job: the checked request, the image decoded and resized once (run only
 * normalises and patches it), and the sampling settings with the engine's defaults filled in (an unseeded job gets
 * its random seed in run, so two runs of it may differ).
 */
public record VisionPlan(VisionRequest request, QwenVlImageProcessor.Resized image, GenerationSettings settings) {}
