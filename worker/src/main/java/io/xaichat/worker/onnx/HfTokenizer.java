package io.xaichat.worker.onnx;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import io.xaichat.schema.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A model's {@code tokenizer.json} through the Hugging Face tokenizers library (DJL's binding, bundled native
 * code). This class is the only one that touches DJL.
 */
public final class HfTokenizer implements AutoCloseable {
    static {
        // DJL probes a cloud metadata address and sends usage data on first use unless offline mode is on.
        // Ec2Utils.callHome (called from every HuggingFaceTokenizer.newInstance) checks Utils.isOfflineMode(),
        // which reads this property on each call, and offline mode also keeps LibUtils from downloading a native
        // build. Set here, in this class's initializer, it is in place before any DJL class initializes, since
        // DJL is reached only through this class's methods.
        System.setProperty("ai.djl.offline", "true");
    }

    private final HuggingFaceTokenizer tokenizer;
    private final Map<String, Long> specialTokens;
    private final JsonNode vocab;

    private HfTokenizer(HuggingFaceTokenizer tokenizer, Map<String, Long> specialTokens, JsonNode vocab) {
        this.tokenizer = tokenizer;
        this.specialTokens = specialTokens;
        this.vocab = vocab;
    }

    public static HfTokenizer load(Path tokenizerJson) throws IOException {
        if (!Files.isRegularFile(tokenizerJson)) throw new IOException("tokenizer file not found: " + tokenizerJson);
        JsonNode root = Json.tree(Files.readAllBytes(tokenizerJson));
        Map<String, Long> special = new HashMap<>();
        for (JsonNode token : root.path("added_tokens")) {
            special.put(token.path("content").asText(), token.path("id").asLong());
        }
        // DJL defaults to truncation at 512 tokens whatever tokenizer.json says; a vision prompt is encoded in parts,
        // so a long question would silently lose its end (the assistant header included). Length is checked by
        // the engine against the context instead.
        Map<String, String> options = Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false");
        HuggingFaceTokenizer tokenizer;
        try {
            tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, options);
        } catch (RuntimeException e) {
            throw new IOException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
        return new HfTokenizer(tokenizer, Map.copyOf(special), root.path("model").path("vocab"));
    }

    /** Token ids of {@code text}; special tokens written in the text (e.g. {@code <|im_start|>}) become their ids. */
    public long[] encode(String text) {
        return tokenizer.encode(text, false, false).getIds();
    }

    /** Text of {@code ids} with special tokens left out. */
    public String decode(long[] ids) {
        return tokenizer.decode(ids, true);
    }

    /** The id of an added (special) token or a vocabulary entry, e.g. {@code <|im_end|>}. */
    public OptionalLong tokenId(String token) {
        Long special = specialTokens.get(token);
        if (special != null) return OptionalLong.of(special);
        JsonNode id = vocab.get(token);
        return id != null && id.canConvertToLong() ? OptionalLong.of(id.asLong()) : OptionalLong.empty();
    }

    /** The first added token written out in {@code text}, or null: user text must not forge template tokens. */
    public String specialTokenIn(String text) {
        for (String token : specialTokens.keySet()) {
            if (text.contains(token)) return token;
        }
        return null;
    }

    /** Like {@link #tokenId} for a token the model cannot work without. */
    public long requireTokenId(String token) {
        return tokenId(token).orElseThrow(() -> new IllegalStateException(
                "tokenizer has no token '" + token + "' (looked in added_tokens and the model vocabulary)"));
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
