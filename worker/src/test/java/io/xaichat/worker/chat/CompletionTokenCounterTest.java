package io.xaichat.worker.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CompletionTokenCounterTest {
    /** A byte-level tokenizer without merges for non-ASCII: one token per UTF-8 byte. */
    private final CompletionTokenCounter counter =
            new CompletionTokenCounter(text -> text.getBytes(StandardCharsets.UTF_8).length);

    @Test
    void eachAsciiOrEmptyPieceIsOneToken() {
        counter.piece("Hello");
        counter.piece(" world");
        counter.piece(""); // end of generation

        assertThat(counter.tokens(100)).isEqualTo(3);
    }

    @Test
    void aCharacterThatArrivedInSeveralTokensCountsTheTokensOfItsBytes() {
        counter.piece("caf");
        counter.piece("é"); // two byte tokens: the first sent nothing

        assertThat(counter.tokens(100)).isEqualTo(3);
    }

    @Test
    void textReleasedAfterHeldBackPiecesIsOneToken() {
        counter.piece("");   // held: might start a stop string
        counter.piece("");
        counter.piece("né"); // released together with the third token

        assertThat(counter.tokens(100)).isEqualTo(3);
    }

    @Test
    void neverCountsBeyondTheLimit() {
        counter.piece("日本");

        assertThat(counter.tokens(4)).isEqualTo(4);
    }
}
