package io.xaichat.models;

/** Receives the bytes of one download as they arrive, for a progress display. */
public interface DownloadProgress {

    /** One file's transfer. */
    interface Transfer extends AutoCloseable {
        void advance(long bytes);

        @Override
        void close();
    }

    /**
     * Starts showing a transfer.
     *
     * @param name        what is downloaded (the file's path)
     * @param alreadyHave bytes already on disk from an earlier, interrupted download
     * @param total       expected total size in bytes, or -1 when unknown
     */
    Transfer start(String name, long alreadyHave, long total);

    /** Shows nothing (tests, scripts, {@code --no-progress}). */
    DownloadProgress NONE = (name, alreadyHave, total) -> new Transfer() {
        @Override
        public void advance(long bytes) {
        }

        @Override
        public void close() {
        }
    };
}
