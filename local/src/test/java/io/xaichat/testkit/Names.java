package io.xaichat.testkit;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/** Unique topic, group and key names, so tests sharing one broker or Redis never see each other's data. */
public final class Names {

    private static final Pattern LEGAL = Pattern.compile("[A-Za-z0-9._-]+");
    private static final AtomicLong COUNTER = new AtomicLong();

    private Names() {
    }

    /**
     * {@code prefix-N-random}: unique within this JVM (the counter) and across runs against a reused broker (the
     * random part). Only characters legal in Kafka topic names are allowed in the prefix.
     */
    public static String unique(String prefix) {
        if (prefix == null || !LEGAL.matcher(prefix).matches()) {
            throw new IllegalArgumentException(
                    "Name prefix must be non-empty and use only A-Z, a-z, 0-9, '.', '_' or '-', got: " + prefix);
        }
        String random = Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36);
        return prefix + "-" + COUNTER.incrementAndGet() + "-" + random.substring(0, Math.min(6, random.length()));
    }
}
