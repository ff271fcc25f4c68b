package io.xaichat.worker.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.JobEnvelope;

/**
 * A job whose request its engine has parsed, checked and prepared: {@code plan} holds everything the engine
 * computed for it before running (chat: the rendered prompt and its tokens; vision: the decoded, resized image and
 * the sampling settings), so {@link Engine#run} computes none of it again.
 *
 * @param plan the engine-specific plan that {@link Engine#run} executes
 * @param cacheMaterial everything that determines the output except the model (the cache adds model id and digest)
 * @param deterministic whether the same material always gives the same output (greedy or seeded sampling)
 * @param streaming whether the client asked for stream chunks
 */
public record PreparedJob<P>(JobEnvelope envelope, P plan, JsonNode cacheMaterial, boolean deterministic,
                             boolean streaming) {}
