package io.xaichat.bulk;

/**
 * A body field that was ignored or served differently than asked: written to the errors file with the line's ids
 * and counted per {@code param} in the summary.
 *
 * @param code {@code ignored_field}, {@code unknown_field}, {@code mapped_value} or {@code model_substituted}
 * @param param the field in the user's terms, e.g. {@code body.user}
 */
public record LineWarning(String code, String param, String message) {}
