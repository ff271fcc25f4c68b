package io.xaichat.worker.chat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.xaichat.schema.Json;
import java.nio.charset.StandardCharsets;

/**
 * Log probabilities of the generated tokens in OpenAI's {@code logprobs.content} shape: for each token its text,
 * log probability, UTF-8 bytes and the {@code top} most likely alternatives. Probabilities are the model's
 * (softmax of the raw logits), before sampling filters, penalties or bias, as llama.cpp's server reports them.
 */
final class TokenLogprobs {
    private final int top;
    private final ArrayNode content = Json.MAPPER.createArrayNode();

    TokenLogprobs(int top) {
        this.top = top;
    }

    void add(LlamaCppModel model, float[] logits, int token, byte[] piece) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) if (l > max) max = l;
        double sum = 0;
        for (float l : logits) sum += Math.exp(l - max);
        double logZ = max + Math.log(sum);
        ObjectNode entry = entry(piece, logits[token] - logZ);
        if (top > 0) {
            ArrayNode alternatives = entry.putArray("top_logprobs");
            for (int id : best(logits, top)) alternatives.add(entry(model.piece(id), logits[id] - logZ));
        }
        content.add(entry);
    }

    ArrayNode content() {
        return content;
    }

    private static ObjectNode entry(byte[] piece, double logprob) {
        ObjectNode e = Json.MAPPER.createObjectNode();
        e.put("token", new String(piece, StandardCharsets.UTF_8));
        e.put("logprob", logprob);
        ArrayNode bytes = e.putArray("bytes");
        for (byte b : piece) bytes.add(b & 0xff);
        return e;
    }

    /** Ids of the {@code n} largest logits, largest first (one pass, insertion into a small sorted array). */
    static int[] best(float[] logits, int n) {
        int k = Math.min(n, logits.length);
        int[] ids = new int[k];
        float[] vals = new float[k];
        int filled = 0;
        for (int id = 0; id < logits.length; id++) {
            float v = logits[id];
            if (filled == k && v <= vals[k - 1]) continue;
            int at = filled < k ? filled++ : k - 1;
            while (at > 0 && vals[at - 1] < v) {
                vals[at] = vals[at - 1];
                ids[at] = ids[at - 1];
                at--;
            }
            vals[at] = v;
            ids[at] = id;
        }
        return ids;
    }
}
