package io.xaichat.worker.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which logical CPUs share a physical core. {@link Runtime#availableProcessors()} counts hyper-threads; compute-bound
 * inference scales with physical cores, so thread defaults come from here (Linux {@code /sys} topology, then
 * {@code /proc/cpuinfo}, then one core per logical CPU).
 */
public final class CpuTopology {
    private final Map<Integer, String> coreOfCpu;

    CpuTopology(Map<Integer, String> coreOfCpu) {
        this.coreOfCpu = Map.copyOf(coreOfCpu);
    }

    public static CpuTopology current() {
        Map<Integer, String> cores = fromSys(Path.of("/sys/devices/system/cpu"));
        if (cores.isEmpty()) cores = fromCpuInfo(Path.of("/proc/cpuinfo"));
        if (cores.isEmpty()) {
            for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) cores.put(i, "cpu" + i);
        }
        return new CpuTopology(cores);
    }

    /** Physical cores on the machine. */
    public int physicalCores() {
        return new HashSet<>(coreOfCpu.values()).size();
    }

    /** Physical cores behind the given CPUs (all CPUs when {@code cpus} is empty); at least 1. */
    public int physicalCores(CpuSet cpus) {
        if (cpus.isEmpty()) return Math.max(1, physicalCores());
        Set<String> cores = new HashSet<>();
        for (int id : cpus.ids()) cores.add(coreOfCpu.getOrDefault(id, "cpu" + id));
        return Math.max(1, cores.size());
    }

    static Map<Integer, String> fromSys(Path cpuDir) {
        Map<Integer, String> cores = new HashMap<>();
        try (var dirs = Files.list(cpuDir)) {
            for (Path d : dirs.toList()) {
                String name = d.getFileName().toString();
                if (!name.matches("cpu\\d+")) continue;
                Path topology = d.resolve("topology");
                Path pkg = topology.resolve("physical_package_id");
                Path core = topology.resolve("core_id");
                if (!Files.isReadable(pkg) || !Files.isReadable(core)) continue;
                cores.put(Integer.parseInt(name.substring(3)),
                        Files.readString(pkg).trim() + ":" + Files.readString(core).trim());
            }
        } catch (IOException | RuntimeException e) {
            return new HashMap<>();
        }
        return cores;
    }

    static Map<Integer, String> fromCpuInfo(Path cpuinfo) {
        Map<Integer, String> cores = new HashMap<>();
        try {
            List<String> lines = Files.readAllLines(cpuinfo);
            Integer cpu = null;
            String pkg = "0";
            for (String line : lines) {
                String[] kv = line.split(":", 2);
                if (kv.length < 2) continue;
                String key = kv[0].trim(), value = kv[1].trim();
                switch (key) {
                    case "processor" -> { cpu = Integer.parseInt(value); pkg = "0"; }
                    case "physical id" -> pkg = value;
                    case "core id" -> { if (cpu != null) cores.put(cpu, pkg + ":" + value); }
                    default -> { }
                }
            }
        } catch (IOException | RuntimeException e) {
            return new HashMap<>();
        }
        return cores;
    }
}
