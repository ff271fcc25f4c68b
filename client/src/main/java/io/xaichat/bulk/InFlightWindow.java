package io.xaichat.bulk;

import java.util.concurrent.Semaphore;

/** Bounds the jobs in flight: the reader blocks in {@link #acquire()} until an answer frees a slot (backpressure). */
final class InFlightWindow {
    private final int size;
    private final Semaphore slots;

    InFlightWindow(int size) {
        if (size < 1) throw new IllegalArgumentException("window must be at least 1, got " + size);
        this.size = size;
        this.slots = new Semaphore(size);
    }

    void acquire() throws InterruptedException {
        slots.acquire();
    }

    void release() {
        slots.release();
    }

    int inFlight() {
        return size - slots.availablePermits();
    }

    /** Waits until every slot is free again, i.e. every job in flight was settled. */
    void awaitIdle() throws InterruptedException {
        slots.acquire(size);
        slots.release(size);
    }
}
