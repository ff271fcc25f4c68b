package io.xaichat.worker.chat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.xaichat.schema.ErrorCode;
import io.xaichat.worker.engine.JobFailure;
import io.xaichat.worker.onnx.StopStringStreamer;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One job's generation while it holds a slot of the {@link BatchDecoder}: its prompt, sampler chain, limits, text
 * and stop handling. The decode thread drives it; the job's own thread waits on {@link #next} for the streamed
 * pieces and the final {@link Outcome}, so publishing never holds up the decoding of the other slots.
 */
final class Sequence {
    /** How the generation ended: the text, the tokens it took and why it stopped. */
    record Outcome(String text, int completionTokens, String finishReason, ArrayNode logprobs) {}

    private final String jobId;
    private final int[] prompt;
    private final SamplerChain sampler;
    private final int limit;
    private final Instant deadline;
    private final TokenLogprobs logprobs;
    private final StopStringStreamer stops;
    private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final Utf8Text utf8 = new Utf8Text();
    private final StringBuilder text = new StringBuilder();
    private volatile boolean cancelled;
    private boolean completed;

    // Decode-thread state.
    int slot = -1;
    private int fed;       // prompt tokens given to llama_decode so far
    private int position;  // next position in the sequence
    private int lastToken; // sampled, not yet decoded
    private int completion;
    int outputIndex = -1;  // the batch row whose logits this sequence samples from, -1 if none this step

    /**
     * @param stopStrings null or the request's stop strings
     * @param logprobs null unless the request asked for log probabilities
     */
    Sequence(String jobId, int[] prompt, SamplerChain sampler, int limit, List<String> stopStrings, Instant deadline,
             TokenLogprobs logprobs) {
        this.jobId = jobId;
        this.prompt = prompt;
        this.sampler = sampler;
        this.limit = limit;
        this.deadline = deadline;
        this.logprobs = logprobs;
        this.stops = stopStrings == null ? null : new StopStringStreamer(stopStrings, events::add);
    }

    String jobId() {
        return jobId;
    }

    boolean inPrompt() {
        return fed < prompt.length;
    }

    int promptRemaining() {
        return prompt.length - fed;
    }

    /** The next prompt token to feed; advances. */
    int nextPromptToken() {
        return prompt[fed++];
    }

    int lastToken() {
        return lastToken;
    }

    int takePosition() {
        return position++;
    }

    /** Called by the job's thread when it stops waiting (interrupted): the decode thread drops the sequence. */
    void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    boolean expired(Instant now) {
        return deadline != null && now.isAfter(deadline);
    }

    /**
     * Samples from this step's logits.
     *
     * @return true when the sequence is finished (end of generation, stop string or limit)
     */
    boolean sampleNext(LlamaCppModel model) {
        float[] logits = logprobs == null ? null : model.lib().llama_get_logits_ith(model.context(), outputIndex)
                .getFloatArray(0, model.vocabSize());
        int token = sampler.sample(model.context(), outputIndex);
        if (model.isEndOfGeneration(token)) return finish("stop");
        completion++;
        byte[] piece = model.piece(token);
        if (logprobs != null) logprobs.add(model, logits, token, piece);
        String added = utf8.append(piece);
        text.append(added);
        if (stops != null) {
            if (stops.update(text.toString())) return finish("stop");
        } else if (!added.isEmpty()) {
            events.add(added);
        }
        if (completion >= limit) return finish("length");
        lastToken = token;
        return false;
    }

    private boolean finish(String reason) {
        String tail = utf8.rest(); // an unfinished character at the very end
        text.append(tail);
        String result;
        if (stops != null) {
            result = stops.finish(text.toString()); // streams what was held back, cut at a stop string
        } else {
            if (!tail.isEmpty()) events.add(tail);
            result = text.toString();
        }
        complete(new Outcome(result, completion, reason, logprobs == null ? null : logprobs.content()));
        return true;
    }

    /** Ends the sequence with a failure (deadline, decode error, engine closing). */
    void fail(JobFailure failure) {
        complete(failure);
    }

    void failDeadline() {
        fail(new JobFailure(ErrorCode.DEADLINE_EXPIRED, "job " + jobId + " passed its deadline " + deadline
                + " after " + completion + " generated tokens"));
    }

    private void complete(Object last) {
        if (completed) return;
        completed = true;
        sampler.close();
        events.add(last);
    }

    /**
     * The next streamed piece (a String), or the end: an {@link Outcome} or a {@link JobFailure}.
     *
     * @throws InterruptedException when the waiting thread is interrupted (the caller cancels the sequence)
     */
    Object next() throws InterruptedException {
        return events.poll(1, TimeUnit.DAYS);
    }
}
