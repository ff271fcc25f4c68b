package io.xaichat.worker.cpu;

import java.util.BitSet;
import java.util.List;

/**
 * A set of CPU ids parsed from the usual list syntax ({@code 0-3}, {@code 0,2,4-5}), as in taskset and cpuset.
 * An empty set means "not pinned".
 */
public final class CpuSet {
    private final BitSet cpus;

    private CpuSet(BitSet cpus) {
        this.cpus = cpus;
    }

    public static CpuSet none() {
        return new CpuSet(new BitSet());
    }

    /** @throws IllegalArgumentException naming the part of {@code spec} that is wrong */
    public static CpuSet parse(String spec) {
        BitSet set = new BitSet();
        if (spec == null || spec.isBlank()) return new CpuSet(set);
        for (String part : spec.split(",")) {
            String p = part.trim();
            try {
                int dash = p.indexOf('-');
                int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).trim());
                int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1).trim());
                if (from < 0 || to < from || to > 4095) throw new NumberFormatException();
                set.set(from, to + 1);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad CPU list '" + spec + "': part '" + p
                        + "' is not a CPU id or an ascending range like 0-3");
            }
        }
        return new CpuSet(set);
    }

    public boolean isEmpty() {
        return cpus.isEmpty();
    }

    public int size() {
        return cpus.cardinality();
    }

    public List<Integer> ids() {
        return cpus.stream().boxed().toList();
    }

    public int first() {
        return cpus.nextSetBit(0);
    }

    public int last() {
        return cpus.length() - 1;
    }

    /** Whether the ids form one range without holes (llama.cpp's --cpu-range needs that). */
    public boolean contiguous() {
        return !isEmpty() && last() - first() + 1 == size();
    }

    /** Hex mask, lowest CPU in the lowest bit, as llama.cpp's {@code --cpu-mask} expects. */
    public String hexMask() {
        if (isEmpty()) return "0";
        StringBuilder hex = new StringBuilder();
        for (int nibble = (last() / 4); nibble >= 0; nibble--) {
            int v = 0;
            for (int b = 0; b < 4; b++) if (cpus.get(nibble * 4 + b)) v |= 1 << b;
            hex.append(Character.forDigit(v, 16));
        }
        return "0x" + hex;
    }

    /** The CPUs of this set that {@code allowed} lacks, e.g. CPUs this process may not run on. */
    public List<Integer> missingFrom(CpuSet allowed) {
        BitSet missing = (BitSet) cpus.clone();
        missing.andNot(allowed.cpus);
        return missing.stream().boxed().toList();
    }

    /** Bytes of a Linux {@code cpu_set_t} with this set's bits, lowest CPU in the lowest bit of byte 0. */
    byte[] toMask(int bytes) {
        byte[] mask = new byte[bytes];
        cpus.stream().filter(c -> c < bytes * 8).forEach(c -> mask[c / 8] |= (byte) (1 << (c % 8)));
        return mask;
    }

    static CpuSet fromMask(byte[] mask) {
        return new CpuSet(BitSet.valueOf(mask));
    }

    @Override
    public String toString() {
        if (isEmpty()) return "";
        StringBuilder s = new StringBuilder();
        int i = cpus.nextSetBit(0);
        while (i >= 0) {
            int end = cpus.nextClearBit(i) - 1;
            if (s.length() > 0) s.append(',');
            s.append(i);
            if (end > i) s.append('-').append(end);
            i = cpus.nextSetBit(end + 1);
        }
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuSet other && other.cpus.equals(cpus);
    }

    @Override
    public int hashCode() {
        return cpus.hashCode();
    }
}
