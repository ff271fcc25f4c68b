package io.xaichat.schema;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The registry of job kinds: everything the wire format and the clients know about a kind is declared here, once.
 * Its wire name names the topic ({@code <prefix>.jobs.<kind>}, see {@link Topics#jobs}) and the metrics label; its
 * request schema file is the one job.schema.json applies to {@code request} (a test checks the two agree); the
 * request record is what engines and clients parse {@code request} into; the default timeout is how long a client
 * waits for the answer. The worker side (engine factory) is {@code io.xaichat.worker.KindEngines}.
 */
public enum JobKind {
    CHAT("chat-request.schema.json", ChatRequest.class, Output.TEXT, Duration.ofMinutes(10)),
    VISION("vision-request.schema.json", VisionRequest.class, Output.TEXT, Duration.ofMinutes(15)),
    IMAGE("image-request.schema.json", ImageRequest.class, Output.IMAGE, Duration.ofMinutes(30));

    /** What a result's {@code output} holds: generated text (counted in tokens) or an image object. */
    public enum Output { TEXT, IMAGE }

    private final String wireName;
    private final String requestSchema;
    private final Class<?> requestType;
    private final Output output;
    private final Duration defaultTimeout;

    JobKind(String requestSchema, Class<?> requestType, Output output, Duration defaultTimeout) {
        this.wireName = name().toLowerCase(Locale.ROOT);
        this.requestSchema = requestSchema;
        this.requestType = requestType;
        this.output = output;
        this.defaultTimeout = defaultTimeout;
    }

    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The schema file (in schemas/json) of this kind's {@code request}. */
    public String requestSchema() {
        return requestSchema;
    }

    /** The record a {@code request} of this kind reads into. */
    public Class<?> requestType() {
        return requestType;
    }

    public Output output() {
        return output;
    }

    /** How long a client waits for a result by default (generous: a job may wait behind a long queue). */
    public Duration defaultTimeout() {
        return defaultTimeout;
    }

    /** The kind with this wire name, or null. */
    public static JobKind find(String value) {
        for (JobKind k : values()) {
            if (k.wireName.equals(value)) return k;
        }
        return null;
    }

    @JsonCreator
    public static JobKind fromWire(String value) {
        JobKind kind = find(value);
        if (kind == null) {
            throw new IllegalArgumentException("unknown job kind '" + value + "' (expected " + names() + ")");
        }
        return kind;
    }

    /** "chat, vision or image": the registered kinds, for messages. */
    public static String names() {
        String all = Arrays.stream(values()).map(JobKind::wireName).collect(Collectors.joining(", "));
        int last = all.lastIndexOf(", ");
        return last < 0 ? all : all.substring(0, last) + " or " + all.substring(last + 2);
    }
}
