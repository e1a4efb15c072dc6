package org.jcontrast.internal.loss;

import java.lang.ref.SoftReference;
import org.jcontrast.tensor.Tensor;

/**
 * One thread's working arrays for the fused losses, kept between calls so that a training loop's
 * steady state makes no garbage that grows with the batch: the stacked features f and, for
 * {@code computeInto}, ∂L/∂f ([2N, d] each); the positive pairs' similarities; the streaming
 * losses' per-anchor statistics (about 128 bytes an anchor); a hard selection's candidate heaps
 * and {@link SelectedPairs}' sparse gradient; InfoNCE's copy of the memory bank; DCLW's weights and
 * SupCon's label groups. Each array is made anew when it is too small (the tensors, the pairs, the
 * label groups and the bank's copy, when their size changes). A call nested in another on the same
 * thread (a loss computed in a parallel task that this thread helps with while it waits) gets a
 * workspace of its own. Not thread-safe: one thread's, its arrays read by its call's parallel tasks.
 */
final class LossWorkspace {
    private static final ThreadLocal<LossWorkspace> THREAD = ThreadLocal.withInitial(LossWorkspace::new);

    /** Calls of this thread under way: the workspace is the outermost one's. */
    int depth;
    private Tensor features;
    private Tensor gradient;
    private AnchorStats[] stats;
    /** Softly held: a quantile's heaps hold O(N²·α) entries, too many to keep for good. */
    private SoftReference<long[]> keys = new SoftReference<>(new long[0]);
    private int[] sizes = new int[0];
    private float[] floats = new float[0];
    private int[] ints = new int[0];
    private float[] bank = new float[0];
    private float[] pairs = new float[0];
    private double[] pairWeights = new double[0];
    private double[] pairWeightGradients = new double[0];
    private LabelGroups labelGroups;

    /** This thread's workspace, whose {@link #depth} tells whether a call is under way. */
    static LossWorkspace thread() {
        return THREAD.get();
    }

    /** The workspace of the loss call under way: the thread's own for the outermost call, else a new one. */
    static LossWorkspace ofCall() {
        LossWorkspace ws = THREAD.get();
        return ws.depth == 1 ? ws : new LossWorkspace();
    }

    Tensor features(int rows, int d) {
        if (features == null || features.dim(0) != rows || features.dim(1) != d) {
            features = Tensor.zeros(rows, d);
        }
        return features;
    }

    Tensor gradient(int rows, int d) {
        if (gradient == null || gradient.dim(0) != rows || gradient.dim(1) != d) {
            gradient = Tensor.zeros(rows, d);
        }
        return gradient;
    }

    /** One {@link AnchorStats} per anchor, not begun. */
    AnchorStats[] stats(int anchors) {
        if (stats == null || stats.length != anchors) {
            stats = new AnchorStats[anchors];
            for (int a = 0; a < anchors; a++) {
                stats[a] = new AnchorStats();
            }
        }
        return stats;
    }

    /** The heaps' keys, at least {@code n}; every array below leaves its contents as they are. */
    long[] keys(int n) {
        long[] k = keys.get();
        if (k == null || k.length < n) {
            k = new long[n];
            keys = new SoftReference<>(k);
        }
        return k;
    }

    /** The heaps' sizes, at least {@code n}. */
    int[] sizes(int n) {
        return sizes = atLeast(sizes, n);
    }

    /** Floats for the sparse gradient, or InfoNCE's gradients at the positives, at least {@code n}. */
    float[] floats(int n) {
        return floats = atLeast(floats, n);
    }

    /** Ints for the transposed selections, at least {@code n}. */
    int[] ints(int n) {
        return ints = atLeast(ints, n);
    }

    /** The positive pairs' similarities, exactly {@code n}: DCLW's weights take their length. */
    float[] pairs(int n) {
        return pairs = exactly(pairs, n);
    }

    /** DCLW's weights of the positive pairs, at least {@code n}. */
    double[] pairWeights(int n) {
        return pairWeights = atLeast(pairWeights, n);
    }

    /** DCLW's extra ∂L/∂s of the positive pairs, through their weights; at least {@code n}. */
    double[] pairWeightGradients(int n) {
        return pairWeightGradients = atLeast(pairWeightGradients, n);
    }

    /** SupCon's grouping of the columns by label, for a batch of exactly {@code n} samples. */
    LabelGroups labelGroups(int n) {
        if (labelGroups == null || labelGroups.samples() != n) {
            labelGroups = new LabelGroups(n);
        }
        return labelGroups;
    }

    /** Floats for a copy of the memory bank, exactly {@code n}: a tensor wraps them whole. */
    float[] bank(int n) {
        return bank = exactly(bank, n);
    }

    private static int[] atLeast(int[] a, int n) {
        return a.length < n ? new int[n] : a;
    }

    private static float[] atLeast(float[] a, int n) {
        return a.length < n ? new float[n] : a;
    }

    private static double[] atLeast(double[] a, int n) {
        return a.length < n ? new double[n] : a;
    }

    private static float[] exactly(float[] a, int n) {
        return a.length == n ? a : new float[n];
    }
}
