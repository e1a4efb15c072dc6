package org.jcontrast.cli;

import java.lang.management.ManagementFactory;

/**
 * Heap bytes the JVM's threads allocate during an action, from HotSpot's per-thread allocation
 * counters ({@code com.sun.management.ThreadMXBean}): all live threads together, so a parallel
 * section's pool threads count too. Where the counters are missing the reading is −1.
 */
final class HeapAllocations {
    private HeapAllocations() {
    }

    /**
     * The fewest bytes allocated in one of {@code runs} runs of {@code action}: the steady state of
     * a warmed-up action, without a one-off such as a pool thread's first buffer. −1 when unavailable.
     */
    static long fewestPerRun(Runnable action, int runs) {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)
                || !threads.isThreadAllocatedMemorySupported()) {
            return -1;
        }
        threads.setThreadAllocatedMemoryEnabled(true);
        long fewest = Long.MAX_VALUE;
        for (int run = 0; run < runs; run++) {
            long before = threads.getTotalThreadAllocatedBytes();
            action.run();
            long after = threads.getTotalThreadAllocatedBytes();
            if (before < 0 || after < 0) {
                return -1;
            }
            fewest = Math.min(fewest, after - before);
        }
        return fewest;
    }
}
