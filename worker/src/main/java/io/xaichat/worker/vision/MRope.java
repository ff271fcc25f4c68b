package io.xaichat.worker.vision;

import java.util.List;

/**
 * Qwen2-VL's multimodal rotary positions (M-RoPE): three rows (temporal, height, width). Text tokens carry the
 * same position in all three rows; the tokens of an image carry its merged-grid coordinates offset by the
 * position where the image starts; text after an image continues from the largest position so far plus one.
 * Decoding steps then count on from there, equal in all rows.
 */
public final class MRope {

    /** An image's grid in merged windows (the vision encoder's grid_thw divided by the merge size in h and w). */
    public record Grid(int t, int h, int w) {
        int tokens() {
            return t * h * w;
        }
    }

    /**
     * @param ids [3][seq] positions of the prompt
     * @param next position of the first generated token
     */
    public record Positions(long[][] ids, long next) {}

    private MRope() {}

    /**
     * Positions for a prompt in which each run of {@code imageToken} stands for the next grid of {@code grids}.
     *
     * @throws IllegalArgumentException if the runs do not match the grids' token counts
     */
    public static Positions forPrompt(long[] tokens, long imageToken, List<Grid> grids) {
        long[][] ids = new long[3][tokens.length];
        long next = 0;
        int image = 0;
        int i = 0;
        while (i < tokens.length) {
            if (tokens[i] != imageToken) {
                ids[0][i] = ids[1][i] = ids[2][i] = next++;
                i++;
                continue;
            }
            if (image >= grids.size()) {
                throw new IllegalArgumentException("prompt has more image blocks than the " + grids.size() + " images");
            }
            Grid grid = grids.get(image++);
            if (i + grid.tokens() > tokens.length) {
                throw new IllegalArgumentException("image block at token " + i + " is shorter than its grid " + grid);
            }
            long start = next;
            for (int t = 0; t < grid.t(); t++) {
                for (int y = 0; y < grid.h(); y++) {
                    for (int x = 0; x < grid.w(); x++) {
                        if (tokens[i] != imageToken) {
                            throw new IllegalArgumentException("image block at token " + i + " is shorter than its grid " + grid);
                        }
                        ids[0][i] = start + t;
                        ids[1][i] = start + y;
                        ids[2][i] = start + x;
                        i++;
                    }
                }
            }
            next = start + Math.max(grid.t(), Math.max(grid.h(), grid.w()));
        }
        if (image != grids.size()) {
            throw new IllegalArgumentException("prompt has " + image + " image blocks for " + grids.size() + " images");
        }
        return new Positions(ids, next);
    }
}
