package io.xaichat.worker.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuTopologyTest {
    @TempDir
    Path dir;

    /** Two cores with two hyper-threads each: CPUs 0 and 2 share core 0, CPUs 1 and 3 share core 1. */
    private Path hyperThreadedCpuInfo() throws IOException {
        StringBuilder s = new StringBuilder();
        int[] core = {0, 1, 0, 1};
        for (int cpu = 0; cpu < 4; cpu++) {
            s.append("processor\t: ").append(cpu).append("\nphysical id\t: 0\nsiblings\t: 4\ncore id\t\t: ")
                    .append(core[cpu]).append("\ncpu cores\t: 2\n\n");
        }
        return Files.writeString(dir.resolve("cpuinfo"), s);
    }

    @Test
    void hyperThreadsOfOneCoreCountOnce() throws IOException {
        CpuTopology topology = new CpuTopology(CpuTopology.fromCpuInfo(hyperThreadedCpuInfo()));

        assertThat(topology.physicalCores()).isEqualTo(2);
        assertThat(topology.physicalCores(CpuSet.parse("0,2"))).isEqualTo(1);
        assertThat(topology.physicalCores(CpuSet.parse("0-1"))).isEqualTo(2);
        assertThat(topology.physicalCores(CpuSet.none())).isEqualTo(2);
    }

    @Test
    void readsSysTopology() throws IOException {
        for (int cpu = 0; cpu < 4; cpu++) {
            Path t = Files.createDirectories(dir.resolve("cpu" + cpu).resolve("topology"));
            Files.writeString(t.resolve("physical_package_id"), "0\n");
            Files.writeString(t.resolve("core_id"), (cpu % 2) + "\n");
        }
        Files.createDirectories(dir.resolve("cpufreq"));

        assertThat(new CpuTopology(CpuTopology.fromSys(dir)).physicalCores()).isEqualTo(2);
    }

    @Test
    void thisMachineHasAtLeastOneCoreAndNoMoreThanItsLogicalCpus() {
        int cores = CpuTopology.current().physicalCores();

        assertThat(cores).isBetween(1, Runtime.getRuntime().availableProcessors());
    }
}
