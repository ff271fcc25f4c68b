package io.xaichat.worker.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.JobEnvelope;

/**
 * A job whose request has been parsed and checked by its engine.
 *
 * @param cacheMaterial everything that determines the output except the model (the cache adds model id and digest)
 * @param deterministic whether the same material always gives the same output (greedy or seeded sampling)
 * @param streaming whether the client asked for stream chunks
 */
public record PreparedJob<R>(JobEnvelope envelope, R request, JsonNode cacheMaterial, boolean deterministic,
                             boolean streaming) {}
