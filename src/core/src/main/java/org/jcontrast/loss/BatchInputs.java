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

    /**
     * Nothing beyond the views.
     *
     * @return the inputs of a loss that needs only the views
     */
    public static BatchInputs none() {
        return NONE;
    }

    /**
     * SupCon's class labels, one per row of a view (copied).
     *
     * @param labels one label per row of a view, ≥ 0
     * @return the inputs holding the labels
     */
    public static BatchInputs labels(int[] labels) {
        return new BatchInputs(labels.clone(), null);
    }

    /**
     * InfoNCE's memory bank of negatives, read (not copied) when the loss is computed.
     *
     * @param bank the bank of negatives; the caller fills it between batches
     * @return the inputs holding the bank
     */
    public static BatchInputs bank(MemoryBank bank) {
        return new BatchInputs(null, java.util.Objects.requireNonNull(bank, "bank"));
    }

    /**
     * The labels (a copy), or null.
     *
     * @return the labels (a copy), or null
     */
    public int[] labels() {
        return labels == null ? null : labels.clone();
    }

    /**
     * The bank, or null.
     *
     * @return the bank, or null
     */
    public MemoryBank bank() {
        return bank;
    }
}
