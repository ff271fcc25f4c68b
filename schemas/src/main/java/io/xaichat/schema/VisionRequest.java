package io.xaichat.schema;

import java.util.List;

/** A vision job's request: an image (inline base64 or a path under the worker's input directory) and a question. */
public record VisionRequest(
        ImageSource image,
        String question,
        String system,
        Integer maxTokens,
        Double temperature,
        Double topP,
        Integer topK,
        Long seed,
        List<String> stop,
        Boolean stream) {

    public record ImageSource(String base64, String path) {}

    public boolean streaming() {
        return Boolean.TRUE.equals(stream);
    }
}
