package io.xaichat.worker.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReasoningSplitterTest {
    private static final String QWEN3_OUTPUT = "<think>\nThe user greets me. I greet back.\n</think>\n\nHello! How can I help?";

    /** Feeds the pieces, checks that the deltas add up to the totals, returns {reasoning, content}. */
    private static List<String> split(ReasoningSplitter s, List<String> pieces) {
        StringBuilder r = new StringBuilder(), c = new StringBuilder();
        for (String p : pieces) {
            ReasoningSplitter.Delta d = s.feed(p);
            r.append(d.reasoning());
            c.append(d.content());
        }
        ReasoningSplitter.Delta d = s.finish();
        r.append(d.reasoning());
        c.append(d.content());
        assertThat(r.toString()).isEqualTo(s.reasoning());
        assertThat(c.toString()).isEqualTo(s.content());
        return List.of(s.reasoning(), s.content());
    }

    private static List<String> split(String whole) {
        return split(new ReasoningSplitter(false), List.of(whole));
    }

    @Test
    void separatesQwen3sThinkBlockFromTheAnswerAndTrimsItsWhitespace() {
        assertThat(split(QWEN3_OUTPUT)).containsExactly("The user greets me. I greet back.", "Hello! How can I help?");
    }

    @Test
    void givesTheSameResultWhereverThePiecesAreCut() {
        List<String> expected = split(QWEN3_OUTPUT);
        // One character at a time: every tag arrives in pieces.
        List<String> chars = QWEN3_OUTPUT.codePoints().mapToObj(Character::toString).toList();
        assertThat(split(new ReasoningSplitter(false), chars)).isEqualTo(expected);
        // Every cut into three pieces.
        for (int i = 0; i <= QWEN3_OUTPUT.length(); i++) {
            for (int j = i; j <= QWEN3_OUTPUT.length(); j += 3) {
                List<String> pieces = List.of(QWEN3_OUTPUT.substring(0, i), QWEN3_OUTPUT.substring(i, j),
                        QWEN3_OUTPUT.substring(j));
                assertThat(split(new ReasoningSplitter(false), pieces)).as("cut at %d, %d", i, j).isEqualTo(expected);
            }
        }
    }

    @Test
    void holdsBackOnlyWhatCouldStillBeATag() {
        ReasoningSplitter s = new ReasoningSplitter(false);

        assertThat(s.feed("<thi")).isEqualTo(new ReasoningSplitter.Delta("", ""));
        assertThat(s.feed("nk>\nStep one")).isEqualTo(new ReasoningSplitter.Delta("Step one", ""));
        assertThat(s.inReasoning()).isTrue();
        assertThat(s.feed(". </th")).isEqualTo(new ReasoningSplitter.Delta(".", ""));
        assertThat(s.feed("ink>\n\nDone")).isEqualTo(new ReasoningSplitter.Delta("", "Done"));
        assertThat(s.inReasoning()).isFalse();
        assertThat(s.feed(" x <")).isEqualTo(new ReasoningSplitter.Delta("", " x "));
        assertThat(s.finish()).isEqualTo(new ReasoningSplitter.Delta("", "<"));
        assertThat(s.content()).isEqualTo("Done x <");
    }

    @Test
    void continuesAThinkBlockThePromptOpened() {
        String prompt = "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n";
        ReasoningSplitter s = ReasoningSplitter.forPrompt(prompt);

        assertThat(s.inReasoning()).isTrue();
        assertThat(split(s, List.of("Greeting", " detected.\n</", "think>\n\n", "Hi there")))
                .containsExactly("Greeting detected.", "Hi there");
    }

    @Test
    void aClosedOrAnEarlierThinkBlockInThePromptStartsInContent() {
        String off = "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n";
        String quoted = "<|im_start|>user\nWhat does <think> mean?<|im_end|>\n<|im_start|>assistant\n";

        assertThat(ReasoningSplitter.forPrompt(off).inReasoning()).isFalse();
        assertThat(ReasoningSplitter.forPrompt(quoted).inReasoning()).isFalse();
        assertThat(split(ReasoningSplitter.forPrompt(off), List.of("Hello", "!"))).containsExactly("", "Hello!");
    }

    @Test
    void textWithoutTagsPassesThroughUnchanged() {
        String text = "\n  a < b, <b>bold</b> and <thinking> are not tags\n";

        assertThat(split(text)).containsExactly("", text);
    }

    @Test
    void anUnfinishedThinkBlockIsAllReasoning() {
        // max_tokens ran out while thinking.
        assertThat(split(new ReasoningSplitter(false), List.of("<think>\nStill ", "going  \n")))
                .containsExactly("Still going", "");
    }

    @Test
    void whitespaceInsideReasoningIsKept() {
        assertThat(split("<think>a\n\nb  c</think>d")).containsExactly("a\n\nb  c", "d");
    }

    @Test
    void passThroughKeepsTagsAsContent() {
        ReasoningSplitter s = ReasoningSplitter.passThrough();

        assertThat(split(s, List.of("<think>", "x</think>"))).containsExactly("", "<think>x</think>");
    }

    @Test
    void finishEndsTheSplitter() {
        ReasoningSplitter s = new ReasoningSplitter(false);
        s.feed("a");
        s.finish();

        assertThat(s.finish().isEmpty()).isTrue();
        assertThatThrownBy(() -> s.feed("b")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void deltasStreamInOrder() {
        ReasoningSplitter s = new ReasoningSplitter(false);
        List<ReasoningSplitter.Delta> deltas = new ArrayList<>();
        for (String p : List.of("<think>", "\nA", "B\n", "</think>", "\n\nC", "D")) deltas.add(s.feed(p));

        assertThat(deltas).extracting(ReasoningSplitter.Delta::reasoning).containsExactly("", "A", "B", "", "", "");
        assertThat(deltas).extracting(ReasoningSplitter.Delta::content).containsExactly("", "", "", "", "C", "D");
    }
}
