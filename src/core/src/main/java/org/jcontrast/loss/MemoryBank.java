package org.jcontrast.loss;

import java.util.SplittableRandom;
import org.jcontrast.tensor.Tensor;

/**
 * A MoCo-style queue of negatives: a fixed capacity of rows that wraps around. A batch is always
 * stored whole: when it reaches the end of the storage, the rest continues at the start, so no
 * part of a batch is ever dropped (a batch larger than the capacity is an error instead).
 * The loss treats the bank as constant: no gradient flows into it.
 * <p>Not thread-safe as a whole: {@link #size()}, {@link #enqueue} and {@link #snapshot()} are
 * each atomic, but a loss computed while another thread enqueues reads whichever rows were there
 * when it took its snapshot. Keep a bank on one training thread, or order the enqueues and the
 * loss calls yourself.
 */
public final class MemoryBank {
    private final float[] rows;
    private final int capacity;
    private final int dim;
    private int next;
    private int size;

    /**
     * An empty bank of {@code capacity} rows of {@code dim} values.
     *
     * @param capacity rows the bank holds, ≥ 1
     * @param dim values per row, ≥ 1
     */
    public MemoryBank(int capacity, int dim) {
        if (capacity < 1 || dim < 1) {
            throw new IllegalArgumentException("a memory bank needs a positive capacity and dimension, got capacity "
                    + capacity + " and dimension " + dim);
        }
        this.capacity = capacity;
        this.dim = dim;
        this.rows = new float[Math.multiplyExact(capacity, dim)];
    }

    /**
     * A full bank of random unit vectors (lightly's initialisation), reproducible from {@code seed}.
     *
     * @param capacity rows the bank holds, ≥ 1
     * @param dim values per row, ≥ 1
     * @param seed the seed of the random rows
     * @return a full bank of random unit vectors (lightly's initialisation), reproducible from {@code seed}
     */
    public static MemoryBank randomUnit(int capacity, int dim, long seed) {
        MemoryBank bank = new MemoryBank(capacity, dim);
        Tensor r = Tensor.randn(new SplittableRandom(seed), capacity, dim);
        for (int i = 0; i < capacity; i++) {
            double s = 0;
            for (int j = 0; j < dim; j++) {
                s += (double) r.get(i, j) * r.get(i, j);
            }
            float inv = (float) (1 / Math.sqrt(s));
            for (int j = 0; j < dim; j++) {
                bank.rows[i * dim + j] = r.get(i, j) * inv;
            }
        }
        bank.size = capacity;
        return bank;
    }

    /**
     * Rows the bank can hold.
     *
     * @return rows the bank can hold
     */
    public int capacity() {
        return capacity;
    }

    /**
     * Values per row.
     *
     * @return values per row
     */
    public int dim() {
        return dim;
    }

    /**
     * Rows filled so far (at most the capacity).
     *
     * @return rows filled so far (at most the capacity)
     */
    public synchronized int size() {
        return size;
    }

    /**
     * Appends the rows of {@code keys} (copied), wrapping around past the end.
     *
     * @param keys rows to append, [n, dim]
     */
    public synchronized void enqueue(Tensor keys) {
        keys.requireRank(2, "MemoryBank.enqueue");
        if (keys.dim(1) != dim) {
            throw new IllegalArgumentException("memory bank rows have dimension " + dim + ", the keys have shape "
                    + keys.shapeString());
        }
        int b = keys.dim(0);
        if (b > capacity) {
            throw new IllegalArgumentException("a batch of " + b + " keys does not fit in a memory bank of capacity "
                    + capacity);
        }
        int first = Math.min(b, capacity - next);
        System.arraycopy(keys.array(), keys.offset(), rows, next * dim, first * dim);
        System.arraycopy(keys.array(), keys.offset() + first * dim, rows, 0, (b - first) * dim);
        next = (next + b) % capacity;
        size = Math.min(capacity, size + b);
    }

    /**
     * The filled rows, copied, as a [size, dim] tensor in storage order.
     *
     * @return the filled rows, copied, as a [size, dim] tensor in storage order
     */
    public Tensor snapshot() {
        return snapshot(null);
    }

    /**
     * The filled rows, copied into {@code buffer} when it holds exactly {@code size()·dim} floats
     * and into a new array otherwise, as a [size, dim] tensor over that array: a loss computed every
     * step can reuse one buffer instead of copying the bank into a new one each time.
     *
     * @param buffer an array to copy the rows into, or null for a new one
     * @return the filled rows as a [size, dim] tensor over {@code buffer} or a new array
     */
    public synchronized Tensor snapshot(float[] buffer) {
        if (size == 0) {
            throw new IllegalStateException("the memory bank is empty: enqueue keys before using it as negatives");
        }
        float[] copy = buffer != null && buffer.length == size * dim ? buffer : new float[size * dim];
        System.arraycopy(rows, 0, copy, 0, size * dim);
        return Tensor.wrap(copy, size, dim);
    }
}
