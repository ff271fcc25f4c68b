package io.xaichat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class CliHelpTest {

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = XaiChat.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void everyCommandHasHelp() {
        for (List<String> cmd : List.of(List.of("submit"), List.of("bulk"))) {
            String[] args = new java.util.ArrayList<>(cmd) {{ add("--help"); }}.toArray(String[]::new);
            Run r = run(args);
            assertThat(r.exit()).as("%s --help", cmd).isZero();
            assertThat(r.out()).contains("Usage: xaichat " + cmd.get(0)).contains("--bootstrap-servers")
                    .contains("--kafka-config").contains("--topic-prefix");
        }
        assertThat(run("--help").out()).contains("submit").contains("bulk").contains("local");
    }

    @Test
    void localHelpIsPrintedOnceWithoutStartingAnything() {
        Run r = run("local", "bulk", "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out().split("Usage: xaichat local bulk", -1)).hasSize(2);
        assertThat(r.err()).doesNotContain("Kafka broker");
        assertThat(run("local", "--help").out()).contains("--synthetic").contains("--kafka-port");
    }

    @Test
    void submitRejectsMissingAndInvalidInputBeforeConnecting() {
        Run noPrompt = run("submit", "--bootstrap-servers", "127.0.0.1:1");
        assertThat(noPrompt.exit()).isEqualTo(2);
        assertThat(noPrompt.err()).contains("--kind chat needs --prompt");

        Run badWidth = run("submit", "--bootstrap-servers", "127.0.0.1:1", "--kind", "image", "--prompt", "p",
                "--width", "2048", "--out", "x.png"); // over the schema's maximum; 100 would reach the worker
                                                      // and come back as invalid_request naming 64 or 128
        assertThat(badWidth.exit()).isEqualTo(2);
        assertThat(badWidth.err()).contains("invalid image job");

        Run badKind = run("submit", "--kind", "audio", "--prompt", "p");
        assertThat(badKind.exit()).isEqualTo(2);
        assertThat(badKind.err()).contains("unknown job kind 'audio'");

        Run badTimeout = run("submit", "--prompt", "p", "--timeout", "0s");
        assertThat(badTimeout.exit()).isEqualTo(2);
        assertThat(badTimeout.err()).contains("must be positive");
    }

    @Test
    void bulkNeedsAnOutputFile() {
        Run r = run("bulk", "in.jsonl");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--out");
    }
}
