package io.xaichat.worker.engine;

/** Receives partial output while an engine runs; the runtime numbers and publishes the chunks. */
public interface ChunkSink {

    /** A piece of generated text (chat, vision). */
    void text(String delta);

    /** Image jobs: {@code step} of {@code steps} denoising steps is done (1-based). */
    void progress(int step, int steps);

    ChunkSink NONE = new ChunkSink() {
        @Override public void text(String delta) {}
        @Override public void progress(int step, int steps) {}
    };
}
