package org.jcontrast.autograd;

import static org.jcontrast.autograd.Arithmetic.add;
import static org.jcontrast.autograd.Arithmetic.div;
import static org.jcontrast.autograd.Arithmetic.mul;
import static org.jcontrast.autograd.Arithmetic.sqrt;
import static org.jcontrast.autograd.Arithmetic.sub;
import static org.jcontrast.autograd.Reductions.meanCols;

import java.util.List;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.tensor.Tensor;

/**
 * Row normalisation onto the unit sphere, and batch normalisation for projection heads.
 * <p>Stateless and thread-safe; the {@link Variable}s it builds are not (one graph per thread).
 */
public final class Normalization {
    private Normalization() {
    }

    /**
     * z / max(‖z‖, eps) for each row, as PyTorch's {@code F.normalize}: a row shorter than eps is
     * divided by eps instead, so a zero row stays zero. The gradient removes the radial part,
     * (g − y·(y·g)) / ‖z‖, or is g / eps where the norm was clamped.
     *
     * @param z the rows, [N, d]
     * @param eps the floor of the norm, &gt; 0
     * @return the normalised rows, [N, d]
     */
    public static Variable normalizeRows(Variable z, float eps) {
        if (!(eps > 0)) {
            throw new IllegalArgumentException("normalizeRows: eps must be positive, got " + eps);
        }
        Tensor zv = z.value();
        return Variable.fromOp("normalizeRows", Ops.normalizeRows(zv, eps), List.of(z), List.of(zv),
                g -> new Tensor[] {Ops.normalizeRowsBackward(zv, g, eps)});
    }

    /**
     * Training-mode batch normalisation of an [B, c] batch over its rows: each column is centred by
     * its batch mean, divided by √(biased batch variance + eps), then scaled by γ and shifted by β
     * (each [c]). Composed from elementwise operations, so its gradient needs no code of its own.
     *
     * @param x the batch, [B, c], B ≥ 2
     * @param gamma γ, the per-column scale, [c]
     * @param beta β, the per-column shift, [c]
     * @param eps added to the variance, &gt; 0
     * @return the normalised, scaled and shifted batch, [B, c]
     */
    public static Variable batchNorm(Variable x, Variable gamma, Variable beta, float eps) {
        Tensor xv = x.value();
        xv.requireRank(2, "batchNorm (x)");
        int batch = xv.dim(0), cols = xv.dim(1);
        if (batch < 2) {
            throw new IllegalArgumentException("batchNorm: needs a batch of at least 2 rows to estimate a variance, "
                    + "got " + xv.shapeString());
        }
        if (!(eps > 0)) {
            throw new IllegalArgumentException("batchNorm: eps must be positive, got " + eps);
        }
        requireVector(gamma.value(), cols, "gamma");
        requireVector(beta.value(), cols, "beta");
        Variable centred = sub(x, meanCols(x));
        Variable variance = meanCols(mul(centred, centred));
        Variable normalised = div(centred, sqrt(add(variance, Variable.constant(eps))));
        return add(mul(normalised, gamma), beta);
    }

    private static void requireVector(Tensor t, int cols, String what) {
        if (t.rank() != 1 || t.dim(0) != cols) {
            throw new IllegalArgumentException("batchNorm: " + what + " must have shape [" + cols
                    + "], one value per column, got " + t.shapeString());
        }
    }
}
