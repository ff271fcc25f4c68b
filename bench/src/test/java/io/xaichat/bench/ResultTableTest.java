package io.xaichat.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResultTableTest {

    @Test
    void rendersOneMarkdownRowPerFigureAndEscapesPipes() {
        ResultTable t = new ResultTable();
        t.add("2", "overhead a|b", "12.0", "p99 20", "p50 ≤ 15", ResultTable.verdict(true), "tiny");
        t.add("3", "cache hit", "7.0", "p99 9", "p50 ≤ 5", ResultTable.verdict(false), "tiny");
        String md = t.markdown();
        assertThat(md.lines()).hasSize(4);
        assertThat(md).contains("| 2 | overhead a\\|b | 12.0 | p99 20 | p50 ≤ 15 | met | tiny |")
                .contains("| 3 | cache hit | 7.0 | p99 9 | p50 ≤ 5 | **MISSED** | tiny |");
    }
}
