package org.jcontrast.simclr.eval;

import org.jcontrast.tensor.Tensor;

/** Input checks shared by the classifiers on frozen features. */
final class Features {
    private Features() {
    }

    /** Throws unless {@code x} is a matrix of finite values with one row per label in [0, classes). */
    static void check(Tensor x, int[] labels, int classes, String what) {
        if (x.rank() != 2) {
            throw new IllegalArgumentException(what + " features must be a matrix [N, D], got " + x.shapeString());
        }
        if (labels != null && labels.length != x.dim(0)) {
            throw new IllegalArgumentException(what + ": " + x.dim(0) + " feature rows but " + labels.length
                    + " labels");
        }
        if (labels != null) {
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || labels[i] >= classes) {
                    throw new IllegalArgumentException(what + ": label " + labels[i] + " of row " + i
                            + " is outside [0, " + classes + ")");
                }
            }
        }
        float[] d = x.array();
        int cols = x.dim(1);
        for (int r = 0; r < x.dim(0); r++) {
            for (int c = 0; c < cols; c++) {
                if (!Float.isFinite(d[x.offset() + r * cols + c])) {
                    throw new IllegalArgumentException(what + " features: row " + r + ", column " + c + " is "
                            + d[x.offset() + r * cols + c]);
                }
            }
        }
    }

    /** Fraction of positions where {@code predicted} equals {@code labels}. */
    static double accuracy(int[] predicted, int[] labels) {
        int hits = 0;
        for (int i = 0; i < labels.length; i++) {
            hits += predicted[i] == labels[i] ? 1 : 0;
        }
        return labels.length == 0 ? Double.NaN : (double) hits / labels.length;
    }
}
