package org.jcontrast.cli;

import java.util.Locale;

/**
 * Refuses work whose arrays would not fit the JVM's heap before allocating them, with the figure
 * and what to change; and the one line an {@link OutOfMemoryError} that still happens becomes.
 * Estimates are of the large arrays only, so they are lower bounds of what a command needs.
 */
final class HeapBudget {
    /** How a user gives the JVM more heap, with a size that would fit {@code bytes}. */
    private static final String MORE_HEAP = "more heap, e.g. JCONTRAST_OPTS=-Xmx";

    private HeapBudget() {
    }

    /**
     * Throws when {@code bytes} exceed the heap that is still free (the maximum less what is in use).
     *
     * @param what  what needs the memory, e.g. "A (40000×50000) and two 40000×40000 results"
     * @param bytes the estimate
     * @param fix   the change that makes it smaller, e.g. "a smaller --m or --k"
     */
    static void require(String what, long bytes, String fix) {
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (bytes > free) {
            throw new IllegalArgumentException("the arrays of " + what + " need about " + size(bytes)
                    + ", more than the " + size(free) + " of heap free (" + size(rt.maxMemory()) + " max); use " + fix + ", or " + MORE_HEAP
                    + suggestedHeap(bytes + (rt.maxMemory() - free)));
        }
    }

    /** The line an {@link OutOfMemoryError} becomes. */
    static String outOfMemory() {
        long max = Runtime.getRuntime().maxMemory();
        return "out of memory (" + size(max) + " heap max); use a smaller batch or size, --mode streaming for the "
                + "losses, or " + MORE_HEAP + suggestedHeap(2 * max);
    }

    /** {@code bytes} in GB or MB with one decimal, e.g. "16.0 GB". */
    static String size(long bytes) {
        return bytes >= 1_000_000_000L ? String.format(Locale.ROOT, "%.1f GB", bytes / 1e9)
                : String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    /** An -Xmx value in whole GiB of at least {@code bytes} and a quarter more, for the rest of the process. */
    private static String suggestedHeap(long bytes) {
        return (long) Math.ceil(bytes * 1.25 / (1L << 30)) + "g";
    }
}
