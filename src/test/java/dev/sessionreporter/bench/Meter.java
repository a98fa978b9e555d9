package dev.sessionreporter.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Wall time, process CPU (less the stub's), JIT compiler CPU, GC time, peak heap and peak resident set size of one
 * measured phase.
 */
final class Meter {
    private final SoapStub stub;
    private long startNanos;
    private long startCpu;
    private long startStubCpu;
    private long startGc;
    private long startJitCpu;

    long wallNanos;
    long cpuNanos;
    long stubCpuNanos;
    long gcMillis;
    /** CPU of the JIT compiler threads in the phase: code still being compiled means the warm-up was too short. */
    long jitCpuNanos;
    long peakHeapBytes;
    /** The JVM process's peak RSS in the phase (Linux VmHWM, reset at the start); -1 where /proc is not available. */
    long peakRssBytes = -1;

    Meter(SoapStub stub) {
        this.stub = stub;
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static long gcMillis() {
        long sum = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, gc.getCollectionTime());
        }
        return sum;
    }

    Meter start() {
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
        resetPeakRss();
        startGc = gcMillis();
        startJitCpu = jitCpuNanos();
        startStubCpu = stub.cpuNanos();
        startCpu = processCpuNanos();
        startNanos = System.nanoTime();
        return this;
    }

    Meter stop() {
        wallNanos = System.nanoTime() - startNanos;
        long stubCpu = stub.cpuNanos() - startStubCpu;
        cpuNanos = processCpuNanos() - startCpu - stubCpu;
        stubCpuNanos = stubCpu;
        gcMillis = gcMillis() - startGc;
        // a compiler thread that ended in the phase takes its CPU out of the sum (dynamic compiler threads)
        jitCpuNanos = Math.max(0, jitCpuNanos() - startJitCpu);
        long peak = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        peakHeapBytes = peak;
        peakRssBytes = peakRssBytes();
        return this;
    }

    /** JIT compiler threads' CPU so far (Linux: /proc/self/task/<tid>/stat, 10 ms ticks); 0 where /proc is not available. */
    static long jitCpuNanos() {
        long ticks = 0;
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException gone) {
                    continue; // the thread ended meanwhile
                }
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String name = stat.substring(open + 1, close);
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    String[] fields = stat.substring(close + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return ticks * 10_000_000L;
    }

    /** The JIT's share of the JVM's CPU (stub included) in the phase, in percent. */
    double jitPercent() {
        long all = cpuNanos + stubCpuNanos;
        return all <= 0 ? 0 : 100.0 * jitCpuNanos / all;
    }

    /** Linux: writing 5 to clear_refs resets the process's peak RSS (VmHWM) to its current RSS. */
    private static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // not Linux or not allowed: VmHWM then stays the peak since the JVM started
        }
    }

    private static long peakRssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** Percentile (0..100) of the given nanosecond values, in milliseconds; NaN when there are none. */
    static double percentileMillis(long[] sortedNanos, double p) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, i))] / 1e6;
    }

    static long[] sorted(long[] values) {
        long[] copy = values.clone();
        Arrays.sort(copy);
        return copy;
    }
}
