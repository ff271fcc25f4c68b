package io.xaichat.worker.image;

import com.fasterxml.jackson.core.type.TypeReference;
import io.xaichat.schema.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CLIP's byte-level BPE tokenizer as Stable Diffusion 1.5 uses it, read from {@code vocab.json} + {@code merges.txt}:
 * whitespace cleanup and lowercasing, CLIP's pre-tokenizer regex, bytes mapped to printable characters, a
 * {@code </w>} suffix on each word's last symbol, then merges by rank. The sequence is
 * {@code <|startoftext|> tokens… <|endoftext|>} padded with {@code <|endoftext|>} to 77 ids; a long prompt is
 * truncated so the end token stays.
 */
public final class ClipTokenizer {
    public static final int CONTEXT_LENGTH = 77;
    static final String START = "<|startoftext|>";
    static final String END = "<|endoftext|>";
    private static final String END_OF_WORD = "</w>";
    private static final int WORD_CACHE_LIMIT = 10_000;

    private static final Pattern WORDS = Pattern.compile(
            "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|\\p{L}+|\\p{N}|[^\\s\\p{L}\\p{N}]+",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final String[] BYTE_TO_UNICODE = byteToUnicode();

    private final Map<String, Integer> vocab;
    private final Map<String, Integer> mergeRanks;
    private final int startId;
    private final int endId;
    private final Map<String, int[]> wordCache = new ConcurrentHashMap<>();

    /** The ids of one prompt: always {@link #CONTEXT_LENGTH} long; {@code length} counts the real tokens. */
    public record Tokens(int[] ids, int length, boolean truncated) {}

    ClipTokenizer(Map<String, Integer> vocab, List<String> merges) {
        this.vocab = Map.copyOf(vocab);
        this.mergeRanks = new HashMap<>();
        for (String merge : merges) mergeRanks.putIfAbsent(merge, mergeRanks.size());
        this.startId = specialId(START);
        this.endId = specialId(END);
    }

    /** Reads {@code vocab.json} and {@code merges.txt} from a tokenizer directory. */
    public static ClipTokenizer load(Path dir) throws IOException {
        Path vocabFile = dir.resolve("vocab.json");
        Path mergesFile = dir.resolve("merges.txt");
        for (Path p : List.of(vocabFile, mergesFile)) {
            if (!Files.isRegularFile(p)) throw new IOException("CLIP tokenizer file not found: " + p);
        }
        Map<String, Integer> vocab = Json.MAPPER.readValue(vocabFile.toFile(), new TypeReference<>() {});
        List<String> merges = new ArrayList<>();
        for (String line : Files.readAllLines(mergesFile, StandardCharsets.UTF_8)) {
            // The first line is a "#version: 0.2" header; each other line is "left right".
            if (line.isBlank() || line.startsWith("#version")) continue;
            merges.add(line.strip());
        }
        return new ClipTokenizer(vocab, merges);
    }

    public Tokens encode(String text) {
        List<Integer> body = new ArrayList<>();
        Matcher m = WORDS.matcher(clean(text));
        while (m.find()) {
            for (int id : wordIds(m.group())) body.add(id);
        }
        int room = CONTEXT_LENGTH - 2;
        boolean truncated = body.size() > room;
        int kept = Math.min(body.size(), room);
        int[] ids = new int[CONTEXT_LENGTH];
        Arrays.fill(ids, endId); // SD 1.5 pads with the end token
        ids[0] = startId;
        for (int i = 0; i < kept; i++) ids[i + 1] = body.get(i);
        ids[kept + 1] = endId;
        return new Tokens(ids, kept + 2, truncated);
    }

    private static String clean(String text) {
        return WHITESPACE.matcher(text).replaceAll(" ").strip().toLowerCase(Locale.ROOT);
    }

    private int[] wordIds(String word) {
        if (word.equals(START)) return new int[] {startId};
        if (word.equals(END)) return new int[] {endId};
        int[] cached = wordCache.get(word);
        if (cached != null) return cached;
        List<String> symbols = bpe(word);
        int[] ids = new int[symbols.size()];
        for (int i = 0; i < ids.length; i++) {
            Integer id = vocab.get(symbols.get(i));
            if (id == null) {
                throw new IllegalStateException("CLIP vocab has no entry for BPE symbol '" + symbols.get(i)
                        + "' of word '" + word + "': vocab.json and merges.txt do not belong together");
            }
            ids[i] = id;
        }
        if (wordCache.size() >= WORD_CACHE_LIMIT) wordCache.clear();
        wordCache.put(word, ids);
        return ids;
    }

    /** Splits a word into byte symbols (the last one marked {@code </w>}) and applies merges lowest rank first. */
    private List<String> bpe(String word) {
        byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
        List<String> symbols = new ArrayList<>(bytes.length);
        for (byte b : bytes) symbols.add(BYTE_TO_UNICODE[b & 0xFF]);
        int lastIndex = symbols.size() - 1;
        symbols.set(lastIndex, symbols.get(lastIndex) + END_OF_WORD);
        while (symbols.size() > 1) {
            int bestRank = Integer.MAX_VALUE;
            String bestLeft = null;
            String bestRight = null;
            for (int i = 0; i + 1 < symbols.size(); i++) {
                Integer rank = mergeRanks.get(symbols.get(i) + " " + symbols.get(i + 1));
                if (rank != null && rank < bestRank) {
                    bestRank = rank;
                    bestLeft = symbols.get(i);
                    bestRight = symbols.get(i + 1);
                }
            }
            if (bestLeft == null) break;
            // Merge every occurrence of the best pair, left to right, as the reference implementation does.
            List<String> merged = new ArrayList<>(symbols.size());
            for (int i = 0; i < symbols.size(); i++) {
                if (i + 1 < symbols.size() && symbols.get(i).equals(bestLeft) && symbols.get(i + 1).equals(bestRight)) {
                    merged.add(bestLeft + bestRight);
                    i++;
                } else {
                    merged.add(symbols.get(i));
                }
            }
            symbols = merged;
        }
        return symbols;
    }

    private int specialId(String token) {
        Integer id = vocab.get(token);
        if (id == null) throw new IllegalArgumentException("CLIP vocab.json has no " + token + " entry");
        return id;
    }

    /**
     * GPT-2/CLIP's reversible byte → character table: printable Latin-1 bytes map to themselves, the others to
     * code points from 256 upward, so every byte sequence becomes a string without whitespace or control characters.
     */
    static String[] byteToUnicode() {
        String[] table = new String[256];
        int next = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = String.valueOf((char) (printable ? b : 256 + next++));
        }
        return table;
    }
}
