package io.xaichat.worker.chat;

import io.xaichat.schema.ChatMessage;
import io.xaichat.schema.ChatRequest;
import io.xaichat.schema.ErrorCode;
import io.xaichat.worker.engine.JobFailure;

/**
 * Refuses a prompt that cannot fit the context before it is tokenized: no token of a real vocabulary spans more
 * than {@link #MAX_BYTES_PER_TOKEN} bytes, so a prompt longer than that many bytes per allowed token is too long
 * whatever the tokenizer says (a 5 MB prompt used to cost seconds of tokenizing to learn this).
 */
final class PromptByteLimit {
    /** Generous: the longest tokens of common vocabularies (runs of spaces or dashes) are well below this. */
    static final int MAX_BYTES_PER_TOKEN = 128;

    private PromptByteLimit() {}

    static void check(ChatRequest request, int promptTokenLimit, int contextLength) throws JobFailure {
        long limit = (long) promptTokenLimit * MAX_BYTES_PER_TOKEN;
        long bytes = 0;
        if (request.prompt() != null) bytes = utf8Length(request.prompt());
        if (request.messages() != null) {
            for (ChatMessage m : request.messages()) {
                if (m != null && m.content() != null) bytes += utf8Length(m.content());
            }
        }
        if (bytes > limit) {
            throw new JobFailure(ErrorCode.PROMPT_TOO_LONG, "prompt is " + bytes + " bytes, more than the "
                    + promptTokenLimit + " tokens that fit (context length " + contextLength + ") can hold at "
                    + MAX_BYTES_PER_TOKEN + " bytes per token; refused before tokenizing");
        }
    }

    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
