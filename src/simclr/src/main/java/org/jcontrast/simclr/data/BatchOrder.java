package org.jcontrast.simclr.data;

import java.util.Arrays;

/**
 * The order in which an epoch visits a dataset: a fresh permutation per epoch, drawn from
 * (seed, epoch) alone, cut into batches. With {@code dropLast} the incomplete last batch is left
 * out, so every step sees the same batch size (contrastive losses depend on it).
 * <p>Immutable and thread-safe.
 */
public final class BatchOrder {
    private final int size;
    private final int batchSize;
    private final boolean dropLast;
    private final long seed;

    /**
     * The batches of every epoch of a run, each epoch in its own order drawn from the seed.
     *
     * @param size      number of samples
     * @param batchSize samples per batch, at most {@code size}
     * @param dropLast  leave out the last batch when it would be smaller than {@code batchSize}
     * @param seed      the run's seed
     */
    public BatchOrder(int size, int batchSize, boolean dropLast, long seed) {
        if (batchSize < 1 || batchSize > size) {
            throw new IllegalArgumentException("batch size " + batchSize + " must be between 1 and the dataset size "
                    + size);
        }
        this.size = size;
        this.batchSize = batchSize;
        this.dropLast = dropLast;
        this.seed = seed;
    }

    /**
     * Batches in each epoch.
     *
     * @return batches in each epoch
     */
    public int batchesPerEpoch() {
        return dropLast ? size / batchSize : (size + batchSize - 1) / batchSize;
    }

    /**
     * Samples per full batch.
     *
     * @return samples per full batch
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * The sample indices of every batch of {@code epoch}, in order.
     *
     * @param epoch the epoch, 0-based
     * @return one array of sample indices per batch
     */
    public int[][] epoch(int epoch) {
        int[] perm = new int[size];
        for (int i = 0; i < size; i++) {
            perm[i] = i;
        }
        Dataset.shuffle(perm, Seeds.random(seed, 0xBA7CL, epoch));
        int[][] batches = new int[batchesPerEpoch()][];
        for (int b = 0; b < batches.length; b++) {
            int from = b * batchSize;
            int to = Math.min(size, from + batchSize);
            batches[b] = Arrays.copyOfRange(perm, from, to);
        }
        return batches;
    }
}
