package io.xaichat.models;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.xaichat.schema.JobKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The list of model files ({@code models/manifest.yaml}), validated on load so that a bad entry fails with the
 * entry named instead of at download time.
 */
public record ModelManifest(int version, List<ModelSpec> models) {

    /** Where the build puts the repository's {@code models/manifest.yaml} on the classpath. */
    public static final String CLASSPATH_RESOURCE = "/models/manifest.yaml";

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** The manifest at {@code override} when given, else the one packaged with the producer. */
    public static ModelManifest load(Path override) {
        if (override != null) {
            return load(override, override.toString());
        }
        try (InputStream in = ModelManifest.class.getResourceAsStream(CLASSPATH_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the packaged model manifest " + CLASSPATH_RESOURCE
                        + " is missing from the classpath; pass --manifest or set XAICHAT_MANIFEST");
            }
            return parse(in, "classpath:" + CLASSPATH_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + CLASSPATH_RESOURCE + ": " + e.getMessage(), e);
        }
    }

    private static ModelManifest load(Path file, String source) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("model manifest " + source + " does not exist or is not a file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, source);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model manifest " + source + ": " + e.getMessage(), e);
        }
    }

    /** Reads and validates a manifest; {@code source} names it in error messages. */
    public static ModelManifest parse(InputStream yaml, String source) {
        ModelManifest manifest;
        try {
            manifest = YAML.readValue(yaml, ModelManifest.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("model manifest " + source + " is not valid: " + e.getMessage(), e);
        }
        if (manifest == null || manifest.models() == null || manifest.models().isEmpty()) {
            throw new IllegalArgumentException("model manifest " + source + " lists no models");
        }
        manifest.validate(source);
        return manifest;
    }

    /** The default model of each kind, in manifest order. */
    public List<ModelSpec> defaults() {
        return models.stream().filter(ModelSpec::isDefault).collect(Collectors.toList());
    }

    /**
     * The model of {@code kind} named by {@code variant}, or the kind's default when {@code variant} is null.
     * {@code variant} is a quantization ({@code q8_0}) when only one model of the kind has it, or
     * {@code id:variant} ({@code qwen2.5-1.5b-instruct:q4_k_m}) to pick one of several.
     *
     * @throws IllegalArgumentException naming the variants that exist when there is no such model, or the
     *     candidates when the quantization alone is ambiguous
     */
    public ModelSpec select(JobKind kind, String variant) {
        List<ModelSpec> ofKind = models.stream().filter(m -> m.kind() == kind).collect(Collectors.toList());
        if (variant == null) {
            return ofKind.stream().filter(ModelSpec::isDefault).findFirst().orElseThrow(() ->
                    new IllegalArgumentException("the manifest has no default " + kind.wireName() + " model"));
        }
        for (ModelSpec m : ofKind) {
            if (m.displayName().equalsIgnoreCase(variant)) return m;
        }
        List<ModelSpec> matches = ofKind.stream().filter(m -> m.variant().equalsIgnoreCase(variant)).toList();
        if (matches.size() == 1) return matches.get(0);
        if (matches.size() > 1) {
            throw new IllegalArgumentException("several " + kind.wireName() + " models have variant '" + variant
                    + "'; name one: " + matches.stream().map(ModelSpec::displayName).collect(Collectors.joining(", ")));
        }
        String known = ofKind.stream().map(ModelSpec::displayName).collect(Collectors.joining(", "));
        throw new IllegalArgumentException("no " + kind.wireName() + " model has variant '" + variant
                + "' (available: " + known + ")");
    }

    private void validate(String source) {
        if (version != 1) {
            throw new IllegalArgumentException("model manifest " + source + " has version " + version
                    + "; this xaichat reads version 1");
        }
        Set<String> variants = new HashSet<>();
        Set<JobKind> kindsWithDefault = new HashSet<>();
        for (int i = 0; i < models.size(); i++) {
            ModelSpec m = models.get(i);
            String where = "model manifest " + source + ", model #" + (i + 1);
            require(m.kind() != null, where + ": 'kind' is missing (expected chat, vision or image)");
            require(notBlank(m.id()), where + ": 'id' is missing");
            require(notBlank(m.variant()), where + " (" + m.id() + "): 'variant' is missing");
            where += " (" + m.kind().wireName() + " " + m.displayName() + ")";
            require(variants.add(m.kind() + "/" + m.displayName().toLowerCase(Locale.ROOT)),
                    where + ": another " + m.kind().wireName() + " model is already named '" + m.displayName() + "'");
            if (m.isDefault()) {
                require(kindsWithDefault.add(m.kind()),
                        where + ": a second default " + m.kind().wireName() + " model; mark only one as default");
            }
            require(m.files() != null && !m.files().isEmpty(), where + ": 'files' is empty");
            for (int j = 0; j < m.files().size(); j++) {
                validateFile(m.files().get(j), where + ", file #" + (j + 1));
            }
        }
        for (ModelSpec m : models) {
            require(kindsWithDefault.contains(m.kind()), "model manifest " + source + ": no "
                    + m.kind().wireName() + " model is marked 'default: true'");
        }
    }

    private static void validateFile(ModelFile f, String where) {
        require(notBlank(f.path()), where + ": 'path' is missing");
        where += " (" + f.path() + ")";
        require(isSafeRelativePath(f.path()),
                where + ": 'path' must be relative, use '/' and contain no '.' or '..' segments");
        require(f.url() != null, where + ": 'url' is missing");
        require("https".equalsIgnoreCase(f.url().getScheme()) && f.url().getHost() != null,
                where + ": 'url' must be an absolute https URL, got '" + f.url() + "'");
        require(f.size() == null || f.size() >= 0, where + ": 'size' must be a byte count >= 0, got " + f.size());
        require(f.sha256() == null || SHA256_HEX.matcher(f.sha256()).matches(),
                where + ": 'sha256' must be 64 lower-case hex digits or null, got '" + f.sha256() + "'");
    }

    /** True for paths like {@code chat/model.gguf}: relative, slash-separated, no empty, '.' or '..' segment. */
    static boolean isSafeRelativePath(String path) {
        if (path.startsWith("/") || path.contains("\\") || path.contains(":")) {
            return false;
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** All files of the given models without repeating a path that two variants share. */
    public static List<ModelFile> distinctFiles(List<ModelSpec> selected) {
        Set<String> seen = new HashSet<>();
        List<ModelFile> files = new ArrayList<>();
        for (ModelSpec m : selected) {
            for (ModelFile f : m.files()) {
                if (seen.add(f.path())) {
                    files.add(f);
                }
            }
        }
        return files;
    }
}
