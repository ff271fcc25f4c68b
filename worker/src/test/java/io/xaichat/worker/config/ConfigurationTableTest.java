package io.xaichat.worker.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's configuration table is the one the setting definitions produce. */
class ConfigurationTableTest {
    private static final Path README = Path.of("..", "README.md");

    @Test
    void theReadmeTableIsGeneratedFromTheDefinitions() throws Exception {
        String expected = WorkerSettings.ALL.markdownTable();
        String actual = readmeTable(Files.readAllLines(README));
        assertThat(actual)
                .as("README.md's configuration table differs from WorkerSettings; paste this table under "
                        + "'## Configuration':%n%n%s", expected)
                .isEqualTo(expected);
    }

    @Test
    void everySettingHasAFlagAVariableOrBothAndADocumentation() {
        for (Setting<?> s : WorkerSettings.ALL.settings()) {
            assertThat(s.flag()).matches("--[a-z0-9-]+");
            if (s.env() != null) assertThat(s.env()).matches("[A-Z][A-Z0-9_]+");
            assertThat(s.doc()).as(s.name()).isNotBlank().doesNotContain("|");
            if (s.defaultText() != null && !s.defaultText().isEmpty()) {
                // Every default is a value the setting itself accepts.
                ConfigValues v = WorkerSettings.ALL.parse(java.util.Map.of(s.name(), s.defaultText()), java.util.Map.of());
                assertThat(v.valid(s)).as("default of %s", s.name()).isTrue();
            }
        }
    }

    /** The table lines right after the "## Configuration" heading's first table header. */
    static String readmeTable(List<String> lines) {
        int heading = lines.indexOf("## Configuration");
        assertThat(heading).as("README has a '## Configuration' section").isNotNegative();
        int start = heading;
        while (start < lines.size() && !lines.get(start).startsWith("| environment |")) start++;
        StringBuilder b = new StringBuilder();
        for (int i = start; i < lines.size() && lines.get(i).startsWith("|"); i++) b.append(lines.get(i)).append('\n');
        return b.toString();
    }
}
