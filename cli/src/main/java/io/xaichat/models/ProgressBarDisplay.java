package io.xaichat.models;

import java.io.PrintWriter;
import java.time.Duration;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/** A text progress bar (bytes in MiB, rate and ETA) drawn on a writer, normally the terminal's stderr. */
public final class ProgressBarDisplay implements DownloadProgress {

    private static final long MIB = 1L << 20;
    private static final int WIDTH = 110;

    private final PrintWriter out;

    public ProgressBarDisplay(PrintWriter out) {
        this.out = out;
    }

    @Override
    public Transfer start(String name, long alreadyHave, long total) {
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(name)
                .setInitialMax(total)
                .setUnit("MiB", MIB)
                .showSpeed()
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new WriterConsumer(out))
                // A resumed download starts at the bytes already there so rate and ETA count only new bytes.
                .startsFrom(alreadyHave, Duration.ZERO)
                .build();
        return new Transfer() {
            @Override
            public void advance(long bytes) {
                bar.stepBy(bytes);
            }

            @Override
            public void close() {
                bar.close();
            }
        };
    }

    /** Redraws the bar in place with a carriage return, like the library's console consumer, but on any writer. */
    private static final class WriterConsumer implements ProgressBarConsumer {
        private final PrintWriter out;

        WriterConsumer(PrintWriter out) {
            this.out = out;
        }

        @Override
        public int getMaxRenderedLength() {
            return WIDTH;
        }

        @Override
        public void accept(String rendered) {
            out.print('\r' + rendered);
            out.flush();
        }

        @Override
        public void close() {
            out.println();
            out.flush();
        }
    }
}
