package io.xaichat.gateway.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.schema.JobKind;

/**
 * A chat completion request as a job: a chat job, or a vision job when a message carries an image.
 *
 * @param model the served model id to ask for; null for the kind's default
 * @param servedModel the model named in stream events before the result says which one answered
 * @param includeUsage {@code stream_options.include_usage}: a last stream event with the usage
 */
record ChatJob(JobKind kind, ObjectNode request, String model, String servedModel, boolean stream, boolean includeUsage) {}
