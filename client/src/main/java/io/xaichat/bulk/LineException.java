package io.xaichat.bulk;

/** Why an input line cannot run: a code from {@link BulkLineParser} and a message in the user's terms. */
final class LineException extends Exception {
    final String customId;
    final String code;

    LineException(String customId, String code, String message) {
        super(message);
        this.customId = customId;
        this.code = code;
    }
}
