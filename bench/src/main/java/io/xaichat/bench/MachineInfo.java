package io.xaichat.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What the numbers were measured on: CPU model, cores, memory, Java, OS. */
public record MachineInfo(String cpuModel, int cpus, long memoryMiB, String java, String os) {

    public static MachineInfo current() {
        return new MachineInfo(readCpuModel(), Runtime.getRuntime().availableProcessors(), readMemoryMiB(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"));
    }

    public String markdown() {
        return String.format(Locale.ROOT, """
                - CPU: %s, %d CPUs visible to the JVM (`lscpu`: %s)
                - Memory: %.1f GiB
                - Java: %s
                - OS: %s
                """, cpuModel, cpus, lscpuCores(), memoryMiB / 1024.0, java, os);
    }

    /** The 1, 5 and 15 minute load averages: other work on the machine skews latency figures. */
    public static String loadAverage() {
        List<String> l = lines(Path.of("/proc/loadavg"));
        if (l.isEmpty()) return "unknown";
        String[] f = l.get(0).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }

    private static String readCpuModel() {
        for (String line : lines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
        }
        return System.getProperty("os.arch");
    }

    private static long readMemoryMiB() {
        for (String line : lines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
        return Runtime.getRuntime().maxMemory() / (1 << 20);
    }

    /** Cores per socket and threads per core as lscpu reports them (the VM may hide SMT). */
    private static String lscpuCores() {
        try {
            Process p = new ProcessBuilder("lscpu").redirectErrorStream(true).start();
            List<String> out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> l.startsWith("Core(s) per socket") || l.startsWith("Thread(s) per core")
                            || l.startsWith("Socket(s)") || l.startsWith("Model name"))
                    .map(l -> l.replaceAll("\\s{2,}", " ").trim()).toList();
            p.waitFor();
            return String.join(", ", out);
        } catch (IOException e) {
            return "lscpu not available";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "lscpu interrupted";
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
