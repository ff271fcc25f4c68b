package io.xaichat.bulk;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where a bulk run's lines go. The command line writes JSON Lines files ({@link #files}); the HTTP gateway keeps
 * them in shared storage so a batch survives the process that ran it.
 */
public interface BulkSink {

    /** An answered request, in the OpenAI Batch output shape. @return false if the line was dropped (sink closed) */
    boolean answered(ObjectNode line);

    /**
     * A request that ended in an error, timeout or expiry: {@code {id, custom_id, response: null, error}}.
     *
     * @param inputLine the request's 1-based line number in the input
     * @return false if the line was dropped (sink closed)
     */
    boolean failed(ObjectNode line, int inputLine);

    /** An input line that could not be run (bad JSON, missing custom_id...), with its line number. */
    void invalid(ObjectNode line);

    /** A request sent with fields ignored or served differently: {@code {id, custom_id, line, warnings}}. */
    void warned(ObjectNode line);

    /** Answers and failures appended to {@code out}; failures and invalid lines also to {@code errors} if given. */
    static BulkSink files(JsonlWriter out, JsonlWriter errors) {
        return new BulkSink() {
            @Override
            public boolean answered(ObjectNode line) {
                return out.write(line);
            }

            @Override
            public boolean failed(ObjectNode line, int inputLine) {
                if (!out.write(line)) return false;
                if (errors != null) errors.write(ResultLines.withLine(line, inputLine));
                return true;
            }

            @Override
            public void invalid(ObjectNode line) {
                if (errors != null) errors.write(line);
            }

            @Override
            public void warned(ObjectNode line) {
                if (errors != null) errors.write(line);
            }
        };
    }
}
