package io.xaichat.worker.chat;

import com.sun.jna.Pointer;
import io.xaichat.llama.LlamaBatch;
import io.xaichat.llama.LlamaLibrary;
import io.xaichat.schema.ErrorCode;
import io.xaichat.worker.cpu.CpuSet;
import io.xaichat.worker.cpu.ThreadAffinity;
import io.xaichat.worker.engine.JobFailure;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The decode loop: one thread owns the llama.cpp context and its {@code slots} sequence slots. Each step it puts
 * into one {@code llama_batch} the last sampled token of every generating sequence and then as many prompt tokens
 * of newly admitted sequences as the batch holds, decodes once, and samples every sequence that has logits with
 * its own sampler chain. A sequence that ends (end token, stop string, max_tokens, deadline, cancel) leaves its
 * slot at once: its cache cells are removed and the next waiting sequence takes the slot in the next step.
 *
 * <p>The thread is pinned to the engine's CPUs; ggml's worker threads, created by the decode calls, inherit that.
 */
final class BatchDecoder implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchDecoder.class);

    private final LlamaCppModel model;
    private final LlamaLibrary lib;
    private final int capacity;
    private final Sequence[] slots;
    private final LinkedBlockingQueue<Sequence> waiting = new LinkedBlockingQueue<>();
    private final Clock clock;
    private final Thread thread;
    private final LlamaBatch.ByValue batch;
    private final Pointer[] seqIds;
    private final int[] tokens;
    private final int[] positions;
    private final int[] ones;
    private final byte[] outputs;
    private volatile boolean closing;
    private volatile Throwable died;

    BatchDecoder(LlamaCppModel model, int slotCount, int batchCapacity, CpuSet cpus, String name, Clock clock) {
        this.model = model;
        this.lib = model.lib();
        this.capacity = Math.max(batchCapacity, slotCount);
        this.slots = new Sequence[slotCount];
        this.clock = clock;
        this.batch = lib.llama_batch_init(capacity, 0, 1);
        this.seqIds = batch.seq_id.getPointerArray(0, capacity);
        this.tokens = new int[capacity];
        this.positions = new int[capacity];
        this.ones = new int[capacity];
        java.util.Arrays.fill(ones, 1);
        this.outputs = new byte[capacity];
        this.thread = new Thread(() -> loop(cpus), name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues a sequence; it starts as soon as a slot is free. */
    void submit(Sequence s) {
        if (closing || died != null) {
            s.fail(new JobFailure(ErrorCode.ENGINE_FAILURE, "the chat engine is closed"));
            return;
        }
        waiting.add(s);
        if (closing) drainWaiting(); // raced with close(): do not leave it waiting forever
    }

    /** Sequences being decoded now plus those waiting for a slot. */
    int load() {
        int n = waiting.size();
        for (Sequence s : slots) if (s != null) n++;
        return n;
    }

    private void loop(CpuSet cpus) {
        ThreadAffinity.pinCurrentThread(cpus);
        try {
            while (!closing) {
                admit();
                if (activeCount() == 0) {
                    Sequence s = waiting.poll(200, TimeUnit.MILLISECONDS);
                    if (s != null) place(s);
                    continue;
                }
                step();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            died = t;
            log.error("the chat decode loop failed; chat jobs fail until the worker restarts", t);
        } finally {
            JobFailure closed = new JobFailure(ErrorCode.ENGINE_FAILURE, died == null ? "the chat engine is closed"
                    : "the chat decode loop failed: " + died);
            for (int i = 0; i < slots.length; i++) {
                if (slots[i] != null) release(i, closed);
            }
            drainWaiting();
        }
    }

    private void drainWaiting() {
        Sequence s;
        while ((s = waiting.poll()) != null) s.fail(new JobFailure(ErrorCode.ENGINE_FAILURE, "the chat engine is closed"));
    }

    private void admit() {
        for (int i = 0; i < slots.length && !waiting.isEmpty(); i++) {
            if (slots[i] == null) {
                Sequence s = waiting.poll();
                if (s != null) place(s);
            }
        }
    }

    private void place(Sequence s) {
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] == null) {
                slots[i] = s;
                s.slot = i;
                return;
            }
        }
        waiting.add(s);
    }

    private int activeCount() {
        int n = 0;
        for (Sequence s : slots) if (s != null) n++;
        return n;
    }

    /** One llama_decode over every slot, then one sampling per sequence that has an output. */
    private void step() {
        var now = clock.instant();
        int n = 0;
        // Generating sequences first: one token each, so a long new prompt cannot starve them of their step.
        for (int i = 0; i < slots.length; i++) {
            Sequence s = slots[i];
            if (s == null) continue;
            s.outputIndex = -1;
            if (s.cancelled()) {
                release(i, null);
                continue;
            }
            if (s.expired(now)) {
                s.failDeadline();
                release(i, null);
                continue;
            }
            if (!s.inPrompt()) {
                add(n, s.lastToken(), s.takePosition(), i, true);
                s.outputIndex = n++;
            }
        }
        for (int i = 0; i < slots.length && n < capacity; i++) {
            Sequence s = slots[i];
            if (s == null || !s.inPrompt()) continue;
            int take = Math.min(s.promptRemaining(), capacity - n);
            for (int t = 0; t < take; t++) {
                boolean last = s.promptRemaining() == 1;
                add(n, s.nextPromptToken(), s.takePosition(), i, last);
                if (last) s.outputIndex = n;
                n++;
            }
        }
        if (n == 0) return;
        batch.token.write(0, tokens, 0, n);
        batch.pos.write(0, positions, 0, n);
        batch.n_seq_id.write(0, ones, 0, n);
        batch.logits.write(0, outputs, 0, n);
        batch.n_tokens = n;
        int rc = lib.llama_decode(model.context(), batch);
        if (rc != 0) {
            JobFailure failure = new JobFailure(ErrorCode.ENGINE_FAILURE, "llama_decode failed with code " + rc
                    + (rc == 1 ? " (no room in the context)" : ""));
            List<Integer> involved = new ArrayList<>();
            for (int i = 0; i < slots.length; i++) if (slots[i] != null) involved.add(i);
            for (int i : involved) release(i, failure);
            return;
        }
        for (int i = 0; i < slots.length; i++) {
            Sequence s = slots[i];
            if (s == null || s.outputIndex < 0) continue;
            boolean done;
            try {
                done = s.sampleNext(model);
            } catch (RuntimeException e) {
                release(i, new JobFailure(ErrorCode.ENGINE_FAILURE, "sampling failed: " + e.getMessage(), e));
                continue;
            }
            if (done) release(i, null);
        }
    }

    private void add(int row, int token, int position, int slot, boolean output) {
        tokens[row] = token;
        positions[row] = position;
        seqIds[row].setInt(0, slot);
        outputs[row] = (byte) (output ? 1 : 0);
    }

    /** Frees a slot: its cache cells go, and a failure (if any) is handed to the waiting job. */
    private void release(int slot, JobFailure failure) {
        Sequence s = slots[slot];
        slots[slot] = null;
        lib.llama_memory_seq_rm(model.memory(), slot, -1, -1);
        if (failure != null) s.fail(failure);
        else if (s.cancelled()) s.fail(new JobFailure(ErrorCode.ENGINE_FAILURE, "cancelled"));
    }

    @Override
    public void close() {
        closing = true;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!thread.isAlive()) lib.llama_batch_free(batch);
    }
}
