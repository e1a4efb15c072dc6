package org.jcontrast.loss;

/**
 * What a loss takes per batch besides the two views: SupCon's labels or InfoNCE's memory bank of
 * negatives. A loss refuses inputs it does not use, and asks for the ones it needs, by name.
 * Immutable (the labels are copied); thread-safe as far as the bank is.
 */
public final class BatchInputs {
    private static final BatchInputs NONE = new BatchInputs(null, null);

    private final int[] labels;
    private final MemoryBank bank;

    private BatchInputs(int[] labels, MemoryBank bank) {
        this.labels = labels;
        this.bank = bank;
    }

    /** Nothing beyond the views. */
    public static BatchInputs none() {
        return NONE;
    }

    /** SupCon's class labels, one per row of a view (copied). */
    public static BatchInputs labels(int[] labels) {
        return new BatchInputs(labels.clone(), null);
    }

    /** InfoNCE's memory bank of negatives, read (not copied) when the loss is computed. */
    public static BatchInputs bank(MemoryBank bank) {
        return new BatchInputs(null, java.util.Objects.requireNonNull(bank, "bank"));
    }

    /** The labels (a copy), or null. */
    public int[] labels() {
        return labels == null ? null : labels.clone();
    }

    /** The bank, or null. */
    public MemoryBank bank() {
        return bank;
    }
}
