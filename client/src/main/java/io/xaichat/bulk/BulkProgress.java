package io.xaichat.bulk;

import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Shows a bulk run's progress; {@link #NONE} shows nothing. Updates come from several threads. */
public interface BulkProgress extends AutoCloseable {

    void start(long lines);

    /** @param now the counts so far ({@code wallTime} not yet meaningful) */
    void update(BulkSummary now);

    @Override
    void close();

    BulkProgress NONE = new BulkProgress() {
        @Override
        public void start(long lines) {}

        @Override
        public void update(BulkSummary now) {}

        @Override
        public void close() {}
    };

    /** A progress bar on stderr: lines settled of total, rate, ETA, and done/failed/cached counts. */
    static BulkProgress console() {
        return new BulkProgress() {
            private ProgressBar bar;

            @Override
            public synchronized void start(long lines) {
                bar = new ProgressBarBuilder().setTaskName("bulk").setInitialMax(lines)
                        .setStyle(ProgressBarStyle.ASCII).setUnit(" lines", 1).showSpeed()
                        .setUpdateIntervalMillis(500).build();
            }

            @Override
            public synchronized void update(BulkSummary now) {
                if (bar == null) return;
                bar.stepTo(now.settled());
                bar.setExtraMessage(String.format(Locale.ROOT, "done %d failed %d cached %d%s", now.succeeded(),
                        now.failed() + now.invalid(), now.cached(),
                        now.skipped() > 0 ? " skipped " + now.skipped() : ""));
            }

            @Override
            public synchronized void close() {
                if (bar != null) bar.close();
            }
        };
    }
}
