package io.xaichat.testkit.onnx;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a small CLIP tokenizer ({@code vocab.json} + {@code merges.txt}) in the real files' format and layout:
 * ids 0–255 are the 256 byte symbols in GPT-2's byte-to-unicode order, 256–511 the same with {@code </w>}, then
 * merge results, and {@code <|startoftext|>} 49406 / {@code <|endoftext|>} 49407. Each given word gets a chain of
 * merges that builds it whole; a few words keep their ids from the real SD 1.5 vocab so known sequences can be
 * checked ({@code a photo of a cat} → 49406 320 1125 539 320 2368 49407). Other text still tokenizes, into bytes.
 */
public final class ClipTestVocab {
    /** Ids of the real CLIP vocab; "a</w>" = 320 already follows from the byte layout. */
    public static final Map<String, Integer> REAL_IDS = Map.of("photo</w>", 1125, "of</w>", 539, "cat</w>", 2368);
    public static final int START = 49406;
    public static final int END = 49407;

    private ClipTestVocab() {}

    /** Writes the two files into {@code dir} with whole-word merges for "photo", "of", "cat" and {@code words}. */
    public static Path write(Path dir, String... words) {
        List<String> symbols = byteSymbols();
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (String s : symbols) vocab.put(s, vocab.size());
        for (String s : symbols) vocab.put(s + "</w>", vocab.size());

        Set<String> merges = new LinkedHashSet<>();
        Set<String> all = new LinkedHashSet<>(List.of("photo", "of", "cat"));
        for (String w : words) all.add(w.toLowerCase());
        int nextId = 512;
        for (String word : all) {
            // The chain ((w0 w1) w2) … builds the word left to right; ASCII words only, one symbol per byte.
            String built = String.valueOf(word.charAt(0));
            for (int i = 1; i < word.length(); i++) {
                String right = word.charAt(i) + (i == word.length() - 1 ? "</w>" : "");
                if (!merges.add(built + " " + right)) {
                    built += right;
                    continue;
                }
                built += right;
                if (!vocab.containsKey(built)) {
                    Integer real = REAL_IDS.get(built);
                    while (real == null && (vocab.containsValue(nextId) || REAL_IDS.containsValue(nextId))) nextId++;
                    vocab.put(built, real != null ? real : nextId);
                }
            }
        }
        vocab.put("<|startoftext|>", START);
        vocab.put("<|endoftext|>", END);
        try {
            Files.createDirectories(dir);
            new ObjectMapper().writeValue(dir.resolve("vocab.json").toFile(), vocab);
            List<String> lines = new ArrayList<>();
            lines.add("#version: 0.2");
            lines.addAll(merges);
            Files.write(dir.resolve("merges.txt"), lines, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /**
     * The byte-to-unicode order: the printable ranges '!'–'~', '¡'–'¬', '®'–'ÿ' as themselves, then the remaining
     * bytes 0–32, 127–160, 173 in ascending order as U+0100 onwards.
     */
    static List<String> byteSymbols() {
        List<String> printable = new ArrayList<>();
        List<String> shifted = new ArrayList<>();
        int[][] ranges = {{'!', '~'}, {0xA1, 0xAC}, {0xAE, 0xFF}};
        for (int[] r : ranges) for (int c = r[0]; c <= r[1]; c++) printable.add(String.valueOf((char) c));
        int n = 0;
        for (int b = 0; b < 256; b++) {
            if (!printable.contains(String.valueOf((char) b))) shifted.add(String.valueOf((char) (256 + n++)));
        }
        printable.addAll(shifted);
        return printable;
    }
}
