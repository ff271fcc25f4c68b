package io.xaichat.worker.kafka;

import io.xaichat.worker.logging.LogText;
import io.xaichat.schema.JobKind;
import io.xaichat.schema.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which topics a job may name as its reply topic. Pure (no I/O). Never a job topic, the dead-letter topic or an
 * internal {@code __*} topic, whatever the allow-list says; otherwise only names matching the allow-list:
 * {@code <prefix>.replies.*}, {@code <prefix>.results} and the configured extra patterns.
 */
public final class ReplyPolicy {
    private static final Pattern TOPIC_NAME = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    private final Topics topics;
    private final List<Pattern> allowed = new ArrayList<>();
    private final List<String> allowedText = new ArrayList<>();

    public ReplyPolicy(Topics topics, List<String> extraPatterns) {
        this.topics = topics;
        allow(topics.prefix() + ".replies.*");
        allow(topics.replies());
        extraPatterns.forEach(this::allow);
    }

    private void allow(String glob) {
        StringBuilder regex = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (!regex.isEmpty()) regex.append("[A-Za-z0-9._-]+");
            regex.append(Pattern.quote(part));
        }
        allowed.add(Pattern.compile(regex.toString()));
        allowedText.add(glob);
    }

    /** @return null when the worker may answer to {@code topic}, else why not */
    public String refusal(String topic) {
        if (topic == null || !TOPIC_NAME.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            return "reply topic '" + LogText.clip(topic) + "' is not a valid topic name";
        }
        if (topic.startsWith("__")) return "reply topic '" + topic + "' is an internal Kafka topic";
        if (topic.equals(topics.deadLetter())) return "reply topic '" + topic + "' is the dead-letter topic";
        for (JobKind kind : JobKind.values()) {
            if (topic.equals(topics.jobs(kind))) return "reply topic '" + topic + "' is a job topic";
        }
        if (topic.startsWith(topics.prefix() + ".jobs.")) {
            return "reply topic '" + topic + "' is in the job topics' namespace " + topics.prefix() + ".jobs.*";
        }
        for (Pattern p : allowed) {
            if (p.matcher(topic).matches()) return null;
        }
        return "reply topic '" + topic + "' matches none of the allowed reply topics " + allowedText
                + " (--reply-topics/XAICHAT_REPLY_TOPICS)";
    }
}
