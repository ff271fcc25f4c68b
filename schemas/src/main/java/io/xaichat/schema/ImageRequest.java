package io.xaichat.schema;

/** A text-to-image job's request. Nulls mean the documented defaults (6 steps, 512×512, guidance 8, random seed). */
public record ImageRequest(
        String prompt,
        Integer steps,
        Integer width,
        Integer height,
        Double guidanceScale,
        Long seed,
        Boolean stream) {

    public boolean streaming() {
        return Boolean.TRUE.equals(stream);
    }
}
