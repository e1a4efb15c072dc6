package org.jcontrast.peers.djl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * The timing rule and the report the Python peers use (bench/peers/peer_timing.py), so that
 * compare.py reads either peer: warm-up steps, then the median of timed steps, printed as one JSON
 * line with the resident memory (idle before building anything, and peak). Not thread-safe.
 */
final class PeerReport {
    private PeerReport() {
    }

    /** VmRSS (now) or VmHWM (peak) of this process in MiB, NaN where /proc is absent. */
    static double rssMib(String field) {
        return procMib("/proc/self/status", field);
    }

    /** A "Field: N kB" line of a /proc file, in MiB; NaN where absent. */
    private static double procMib(String file, String field) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.split("\\s+")[1]) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    /** Runs step warmup times, then repeats timed times, and prints the report with fields first. */
    static void timeAndPrint(DoubleSupplier step, int warmup, int repeats, double idleMib, String torchVersion,
                             int threads, Map<String, Object> fields) {
        double loss = Double.NaN;
        for (int i = 0; i < warmup; i++) {
            loss = step.getAsDouble();
        }
        double[] seconds = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            loss = step.getAsDouble();
            seconds[i] = (System.nanoTime() - t0) / 1e9;
        }
        StringBuilder json = new StringBuilder("{\"peer\": \"pytorch-djl\", \"torch\": \"" + torchVersion + "\"");
        fields.forEach((k, v) -> json.append(", \"").append(k).append("\": ")
                .append(v instanceof String ? "\"" + v + "\"" : v));
        json.append(", \"threads\": ").append(threads)
                .append(", \"thp_mem_alloc_enable\": \"").append(System.getenv().getOrDefault("THP_MEM_ALLOC_ENABLE", ""))
                .append("\", \"loss\": ").append(loss)
                .append(", \"seconds\": ").append(median(seconds))
                .append(", \"seconds_all\": ").append(Arrays.toString(seconds))
                .append(", \"idle_rss_mib\": ").append(idleMib)
                .append(", \"peak_rss_mib\": ").append(rssMib("VmHWM"))
                // Whether libtorch's allocator got huge pages: THP_MEM_ALLOC_ENABLE=1 should raise it.
                .append(", \"anon_huge_pages_mib\": ").append(procMib("/proc/self/smaps_rollup", "AnonHugePages"))
                .append('}');
        System.out.println(json);
    }

    private static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
