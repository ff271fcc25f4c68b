package io.xaichat.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/** Reads the PNG out of an image job's output object (the first base64 text field that decodes to a PNG). */
public final class ImageOutputs {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private ImageOutputs() {}

    /** The field holding the PNG as base64, or null if the output has none. */
    public static String pngField(JsonNode output) {
        if (output == null || !output.isObject()) return null;
        for (Iterator<Map.Entry<String, JsonNode>> it = output.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isTextual() && isPng(e.getValue().asText())) return e.getKey();
        }
        return null;
    }

    /** The PNG bytes of an image output. */
    public static byte[] png(JsonNode output) {
        String field = pngField(output);
        if (field == null) throw new IllegalArgumentException("the image result carries no base64 PNG field");
        return Base64.getDecoder().decode(output.get(field).asText());
    }

    private static boolean isPng(String text) {
        if (text.length() < 12) return false;
        try {
            byte[] head = Base64.getDecoder().decode(text.substring(0, 12));
            for (int i = 0; i < PNG_SIGNATURE.length; i++) if (head[i] != PNG_SIGNATURE[i]) return false;
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
