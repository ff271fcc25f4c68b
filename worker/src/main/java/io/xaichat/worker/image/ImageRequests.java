package io.xaichat.worker.image;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.ErrorCode;
import io.xaichat.schema.ImageRequest;
import io.xaichat.schema.Json;
import io.xaichat.worker.engine.JobFailure;

/** Reads an image job's request, fills in the defaults and rejects values the LCM pipeline cannot serve. */
final class ImageRequests {
    static final int DEFAULT_STEPS = 6;
    static final double DEFAULT_GUIDANCE = 8.0;
    static final double MIN_GUIDANCE = 1.0;
    static final double MAX_GUIDANCE = 20.0;
    /** Largest seed clients can send: JSON numbers stay exact up to 2^53 − 1. */
    static final long MAX_SEED = (1L << 53) - 1;

    private ImageRequests() {}

    /** @return the request with every field but {@code seed} and {@code stream} set */
    static ImageRequest resolve(JsonNode tree, ImageEngineConfig config) throws JobFailure {
        if (tree == null || !tree.isObject()) {
            throw invalid("an image request must be a JSON object, got " + (tree == null ? "nothing" : tree.getNodeType()));
        }
        ImageRequest r;
        try {
            r = Json.convert(tree, ImageRequest.class);
        } catch (IllegalArgumentException e) {
            throw invalid("image request does not match its schema: " + e.getMessage());
        }
        if (r.prompt() == null || r.prompt().isBlank()) {
            throw invalid("prompt must be a non-empty string");
        }
        int steps = orDefault(r.steps(), DEFAULT_STEPS);
        if (steps < 1 || steps > LcmScheduler.MAX_STEPS) {
            throw invalid("steps " + steps + " is out of range: LCM takes 1 to " + LcmScheduler.MAX_STEPS + " steps");
        }
        int width = checkSize("width", orDefault(r.width(), config.defaultSize()), config.maxSize());
        int height = checkSize("height", orDefault(r.height(), config.defaultSize()), config.maxSize());
        double guidance = r.guidanceScale() == null ? DEFAULT_GUIDANCE : r.guidanceScale();
        if (!(guidance >= MIN_GUIDANCE && guidance <= MAX_GUIDANCE)) {
            throw invalid("guidance_scale " + guidance + " is out of range: allowed " + MIN_GUIDANCE + " to " + MAX_GUIDANCE);
        }
        if (r.seed() != null && (r.seed() < 0 || r.seed() > MAX_SEED)) {
            throw invalid("seed " + r.seed() + " is out of range: allowed 0 to " + MAX_SEED);
        }
        return new ImageRequest(r.prompt(), steps, width, height, guidance, r.seed(), r.stream());
    }

    private static int checkSize(String field, int value, int max) throws JobFailure {
        int step = ImageEngineConfig.SIZE_STEP;
        if (value < ImageEngineConfig.MIN_SIZE || value > max || value % step != 0) {
            // Exported SD 1.5 UNets fix their up-sampling sizes when traced: other sizes fail inside the graph.
            int below = Math.max(ImageEngineConfig.MIN_SIZE, Math.min(max, value) / step * step);
            int above = Math.min(max / step * step, Math.max(ImageEngineConfig.MIN_SIZE, (value + step - 1) / step * step));
            String nearest = below == above ? String.valueOf(below) : below + " or " + above;
            throw invalid(field + " " + value + " is not allowed: must be a multiple of " + step + " between "
                    + ImageEngineConfig.MIN_SIZE + " and " + max + " (nearest valid: " + nearest + ")");
        }
        return value;
    }

    private static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    private static JobFailure invalid(String message) {
        return new JobFailure(ErrorCode.INVALID_REQUEST, message);
    }
}
