package io.xaichat.worker.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StopStringStreamerTest {
    private final List<String> pieces = new ArrayList<>();

    @Test
    void holdsBackPartialCharactersAndPossibleStopStringsThenCutsAtTheStop() {
        StopStringStreamer s = new StopStringStreamer(List.of("END"), pieces::add);
        assertThat(s.update("Hi \uFFFD")).isFalse(); // a character still missing bytes
        assertThat(pieces).containsExactly("Hi ");
        assertThat(s.update("Hi é E")).isFalse(); // "E" may start "END"
        assertThat(pieces).containsExactly("Hi ", "é ");
        assertThat(s.update("Hi é EX")).isFalse();
        assertThat(s.update("Hi é EX EN")).isFalse();
        assertThat(s.update("Hi é EX END and more")).isTrue();
        assertThat(s.finish("ignored")).isEqualTo("Hi é EX ");
        assertThat(String.join("", pieces)).isEqualTo("Hi é EX ");
    }

    @Test
    void finishFlushesWhatWasHeldBack() {
        StopStringStreamer s = new StopStringStreamer(List.of("stop here"), pieces::add);
        s.update("ok sto");
        assertThat(String.join("", pieces)).isEqualTo("ok ");
        assertThat(s.finish("ok sto")).isEqualTo("ok sto");
        assertThat(String.join("", pieces)).isEqualTo("ok sto");
    }
}
