package org.jcontrast.cli;

import java.lang.management.ManagementFactory;

/**
 * Heap bytes the JVM's threads allocate during an action, from HotSpot's per-thread allocation
 * counters ({@code com.sun.management.ThreadMXBean}): all live threads together, so a parallel
 * section's pool threads count too. Where the counters are missing the reading is −1. Not
 * thread-safe: one action, run by one thread at a time.
 */
final class HeapAllocations implements Runnable {
    private final Runnable action;
    private final com.sun.management.ThreadMXBean threads;
    private long fewest = Long.MAX_VALUE;

    private HeapAllocations(Runnable action, com.sun.management.ThreadMXBean threads) {
        this.action = action;
        this.threads = threads;
    }

    /**
     * {@code action}, counting what each of its runs allocates, so that the timed runs themselves
     * give the figure: a run of a large problem can take half an hour, too long to repeat for it.
     */
    static HeapAllocations counting(Runnable action) {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads
                && threads.isThreadAllocatedMemorySupported()) {
            threads.setThreadAllocatedMemoryEnabled(true);
            return new HeapAllocations(action, threads);
        }
        return new HeapAllocations(action, null);
    }

    @Override
    public void run() {
        long before = threads == null ? -1 : threads.getTotalThreadAllocatedBytes();
        action.run();
        long after = threads == null ? -1 : threads.getTotalThreadAllocatedBytes();
        fewest = Math.min(fewest, before < 0 || after < 0 ? -1 : after - before);
    }

    /**
     * The fewest bytes allocated in any run so far: the steady state of a warmed-up action, without
     * a one-off such as a pool thread's first buffer. −1 when unavailable or before the first run.
     */
    long fewestPerRun() {
        return fewest == Long.MAX_VALUE ? -1 : fewest;
    }
}
