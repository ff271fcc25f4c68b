package io.xaichat.worker.metrics;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A parsed Prometheus text exposition: series by name and labels, as a scraper sees them. */
public final class MetricsText {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    record Series(String name, Map<String, String> labels, double value) {}

    private final String text;
    private final List<Series> series = new ArrayList<>();

    public MetricsText(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            Matcher m = SAMPLE.matcher(line.trim());
            if (!m.matches()) throw new IllegalArgumentException("not a sample line: " + line);
            Map<String, String> labels = new HashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) labels.put(l.group(1), l.group(2));
            }
            series.add(new Series(m.group(1), labels, Double.parseDouble(m.group(4))));
        }
    }

    /** Scrapes a registry the way the HTTP endpoint does. */
    public static MetricsText of(PrometheusRegistry registry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new MetricsText(out.toString(StandardCharsets.UTF_8));
    }

    /** GET {@code url}, expecting 200 and the Prometheus text format. */
    public static MetricsText scrape(String url) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new IllegalStateException(url + " answered " + r.statusCode());
            if (!r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain")) {
                throw new IllegalStateException(url + " answered " + r.headers().firstValue("Content-Type"));
            }
            return new MetricsText(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The value of the series with exactly these labels ({@code "kind", "chat", ...}); 0 when absent. */
    public double value(String name, String... labelPairs) {
        Map<String, String> want = new HashMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) want.put(labelPairs[i], labelPairs[i + 1]);
        return series.stream().filter(s -> s.name().equals(name) && s.labels().equals(want))
                .mapToDouble(Series::value).findFirst().orElse(0);
    }

    /** Whether any series has this name. */
    public boolean has(String name) {
        return series.stream().anyMatch(s -> s.name().equals(name));
    }

    /** Labels of every series with this name. */
    public List<Map<String, String>> labels(String name) {
        return series.stream().filter(s -> s.name().equals(name)).map(Series::labels).toList();
    }

    @Override
    public String toString() {
        return text;
    }
}
