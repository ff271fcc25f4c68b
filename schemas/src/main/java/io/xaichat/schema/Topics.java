package io.xaichat.schema;

/** Topic names derived from one configurable prefix (default {@code xaichat}). */
public record Topics(String prefix) {
    public static final String DEFAULT_PREFIX = "xaichat";

    public static Topics defaults() {
        return new Topics(DEFAULT_PREFIX);
    }

    public String jobs(JobKind kind) {
        return prefix + ".jobs." + kind.wireName();
    }

    public String deadLetter() {
        return prefix + ".jobs.dlq";
    }

    /** Compacted: each worker's {@link WorkerAdvert} per kind it serves. */
    public String workers() {
        return prefix + ".workers";
    }

    /** The shared reply topic a client uses when it does not name its own. */
    public String replies() {
        return prefix + ".results";
    }
}
