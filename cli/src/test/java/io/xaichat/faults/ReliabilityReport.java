package io.xaichat.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fault suite's own record of what it proved: each fault test writes one markdown table row to
 * {@code target/reliability/<fault>.md}; RELIABILITY.md is assembled from these files after a run.
 */
final class ReliabilityReport {
    static final Path DIR = Path.of("target", "reliability");

    private ReliabilityReport() {}

    /** One fault's counts; {@code lost} must be 0, duplicates are reported (the client drops them by job id). */
    record Row(String fault, int jobsIn, int resultsOut, int lost, long duplicated, String how) {
        String markdown() {
            return "| " + fault + " | " + jobsIn + " | " + resultsOut + " | " + lost + " | " + duplicated + " | "
                    + how + " |";
        }
    }

    static Row write(String fileName, Row row) {
        try {
            Files.createDirectories(DIR);
            Files.writeString(DIR.resolve(fileName + ".md"), row.markdown() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the reliability row for " + row.fault(), e);
        }
        System.out.println("RELIABILITY " + row.markdown());
        return row;
    }
}
