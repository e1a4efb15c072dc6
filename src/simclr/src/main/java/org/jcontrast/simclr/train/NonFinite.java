package org.jcontrast.simclr.train;

import java.util.Map;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.tensor.Tensor;

/** Finds values that are NaN or infinite: the sign that a run diverged. */
final class NonFinite {
    private NonFinite() {
    }

    /** "NaN in 'name'" for the first tensor of {@code tensors} holding a non-finite value, else null. */
    static String find(Map<String, Tensor> tensors) {
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            float bad = first(e.getValue());
            if (!Float.isFinite(bad)) {
                return bad + " in '" + e.getKey() + "'";
            }
        }
        return null;
    }

    /** The first non-finite value of {@code t}, or 0 when all are finite. */
    static float first(Tensor t) {
        int at = Ops.firstNonFinite(t);
        return at < 0 ? 0 : t.array()[t.offset() + at];
    }
}
