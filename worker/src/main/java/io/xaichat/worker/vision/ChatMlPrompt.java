package io.xaichat.worker.vision;

import io.xaichat.worker.onnx.HfTokenizer;
import java.util.Arrays;

/**
 * Qwen2-VL's chat template for one image and one question:
 * {@code <|im_start|>system\n…<|im_end|>\n<|im_start|>user\n<|vision_start|><|image_pad|>×N<|vision_end|>question
 * <|im_end|>\n<|im_start|>assistant\n}. The N pad tokens are spliced in as ids rather than tokenized as text.
 */
final class ChatMlPrompt {
    private final HfTokenizer tokenizer;
    private final long imagePad;

    ChatMlPrompt(HfTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        for (String token : new String[] {"<|im_start|>", "<|im_end|>", "<|vision_start|>", "<|vision_end|>"}) {
            tokenizer.requireTokenId(token);
        }
        this.imagePad = tokenizer.requireTokenId("<|image_pad|>");
    }

    long imagePad() {
        return imagePad;
    }

    long[] tokens(String system, String question, int imageTokens) {
        long[] head = tokenizer.encode("<|im_start|>system\n" + system + "<|im_end|>\n<|im_start|>user\n<|vision_start|>");
        long[] tail = tokenizer.encode("<|vision_end|>" + question + "<|im_end|>\n<|im_start|>assistant\n");
        long[] ids = new long[head.length + imageTokens + tail.length];
        System.arraycopy(head, 0, ids, 0, head.length);
        Arrays.fill(ids, head.length, head.length + imageTokens, imagePad);
        System.arraycopy(tail, 0, ids, head.length + imageTokens, tail.length);
        return ids;
    }
}
