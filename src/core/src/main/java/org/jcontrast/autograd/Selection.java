package org.jcontrast.autograd;

import java.util.Arrays;
import org.jcontrast.internal.tensor.Shapes;
import org.jcontrast.tensor.Tensor;

/**
 * Row-wise selections of the largest candidates, as constant 0/1 masks: the hard-negative
 * selections of the losses. A selection is a discrete choice with no gradient; the losses build
 * it from detached similarities and then treat it as fixed, as the papers do.
 * <p>Stateless and thread-safe; each call returns a new mask.
 */
public final class Selection {
    private Selection() {
    }

    /**
     * In each row, the {@code k} largest values among the candidates (the non-zero entries of
     * {@code candidates}), ties broken by the lower column; all candidates where a row has k or fewer.
     *
     * @param values the values to rank, [r, c]
     * @param candidates non-zero where an entry may be chosen, [r, c]
     * @param k how many to choose per row, ≥ 1
     * @return a constant 0/1 mask of the chosen entries, [r, c]
     */
    public static Tensor topK(Tensor values, Tensor candidates, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("topK: needs k ≥ 1, got " + k);
        }
        return select(values, candidates, k, true, "topK");
    }

    /**
     * In each row, every candidate at least as large as the row's k-th largest candidate: the top k
     * plus all values tied with the k-th (the quantile selection); all candidates where a row has k
     * or fewer.
     *
     * @param values the values to rank, [r, c]
     * @param candidates non-zero where an entry may be chosen, [r, c]
     * @param k the rank of the threshold, ≥ 1
     * @return a constant 0/1 mask of the chosen entries, [r, c]
     */
    public static Tensor topKWithTies(Tensor values, Tensor candidates, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("topKWithTies: needs k ≥ 1, got " + k);
        }
        return select(values, candidates, k, false, "topKWithTies");
    }

    private static Tensor select(Tensor values, Tensor candidates, int rank, boolean exactlyRank, String op) {
        Shapes.requireMatrix(values, op);
        Shapes.requireSame(values, candidates, op + " (values and candidates)");
        int rows = values.dim(0), cols = values.dim(1);
        Tensor mask = Tensor.zeros(rows, cols);
        float[] row = new float[cols];
        for (int i = 0; i < rows; i++) {
            int m = 0;
            for (int j = 0; j < cols; j++) {
                if (candidates.get(i, j) != 0) {
                    row[m++] = checked(values.get(i, j), i, j, op);
                }
            }
            if (m == 0) {
                continue;
            }
            int r = Math.min(rank, m);
            Arrays.sort(row, 0, m);
            float threshold = row[m - r];
            // Strictly larger values always make it; values equal to the threshold fill the rest,
            // the lower columns first when exactly r are wanted.
            int ties = exactlyRank ? r - countAbove(values, candidates, i, threshold) : cols;
            for (int j = 0; j < cols; j++) {
                if (candidates.get(i, j) == 0) {
                    continue;
                }
                float v = values.get(i, j);
                if (v > threshold || (v == threshold && ties-- > 0)) {
                    mask.set(i, j, 1f);
                }
            }
        }
        return mask;
    }

    private static int countAbove(Tensor values, Tensor candidates, int i, float threshold) {
        int count = 0;
        for (int j = 0; j < values.dim(1); j++) {
            if (candidates.get(i, j) != 0 && values.get(i, j) > threshold) {
                count++;
            }
        }
        return count;
    }

    private static float checked(float v, int i, int j, String op) {
        if (Float.isNaN(v)) {
            throw new IllegalArgumentException(op + ": value at row " + i + ", column " + j + " is NaN");
        }
        return v;
    }
}
