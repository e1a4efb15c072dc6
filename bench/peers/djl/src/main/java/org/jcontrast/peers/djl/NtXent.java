package org.jcontrast.peers.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

/**
 * The standard NT-Xent formulation on libtorch, as bench/peers/peer_timing.py writes it in Python:
 * F.normalize, Z·Zᵀ/τ, the diagonal set to −∞, cross-entropy against the other view, mean.
 * Stateless and thread-safe.
 */
final class NtXent {
    private NtXent() {
    }

    /** The mean loss over the 2N rows of z; labels holds each row's positive (int64, length 2N). */
    static NDArray loss(NDArray z, NDArray labels, double temperature) {
        long rows = z.getShape().get(0);
        NDArray unit = z.normalize(2, 1, 1e-12);
        NDArray logits = unit.matMul(unit.transpose()).div(temperature);
        // fill_diagonal_: every (2N+1)-th entry of the flat view, in place, O(2N) as in PyTorch.
        logits.reshape(-1).set(new NDIndex("::{}", rows + 1), Float.NEGATIVE_INFINITY);
        NDArray logProbabilities = logits.logSoftmax(1);
        return logProbabilities.gather(labels.reshape(rows, 1), 1).mean().neg();
    }

    /** The same loss in float64 plain Java over row-major rows×dim features: the peer's self-check. */
    static double reference(float[] z, int rows, int dim, int[] labels, double temperature) {
        double[][] unit = new double[rows][dim];
        for (int i = 0; i < rows; i++) {
            double norm = 0;
            for (int k = 0; k < dim; k++) {
                norm += (double) z[i * dim + k] * z[i * dim + k];
            }
            norm = Math.max(Math.sqrt(norm), 1e-12);
            for (int k = 0; k < dim; k++) {
                unit[i][k] = z[i * dim + k] / norm;
            }
        }
        double total = 0;
        for (int i = 0; i < rows; i++) {
            double sum = 0;
            double positive = 0;
            for (int j = 0; j < rows; j++) {
                if (j == i) {
                    continue;
                }
                double s = 0;
                for (int k = 0; k < dim; k++) {
                    s += unit[i][k] * unit[j][k];
                }
                s /= temperature;
                sum += Math.exp(s);
                if (j == labels[i]) {
                    positive = s;
                }
            }
            total += Math.log(sum) - positive;
        }
        return total / rows;
    }
}
