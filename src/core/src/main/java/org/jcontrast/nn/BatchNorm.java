package org.jcontrast.nn;

import static org.jcontrast.autograd.Arithmetic.add;
import static org.jcontrast.autograd.Arithmetic.mul;
import static org.jcontrast.autograd.Arithmetic.sub;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcontrast.autograd.Variable;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.kernel.ArrayKernel;
import org.jcontrast.internal.kernel.Parallel;
import org.jcontrast.optim.Parameter;
import org.jcontrast.tensor.Tensor;

/**
 * Batch normalisation over the rows of a batch, as PyTorch's {@code BatchNorm1d}: in training mode
 * each column is centred by its batch mean, divided by √(biased batch variance + ε), scaled by γ
 * and shifted by β, and the running mean and (unbiased) variance move towards the batch's with
 * momentum 0.1; in evaluation mode the running statistics are used instead.
 * <p>Not thread-safe: training-mode forward passes update the running statistics, and optimisers
 * update the parameters in place.
 */
public final class BatchNorm implements Layer {
    /** PyTorch's default ε. */
    public static final float EPS = 1e-5f;
    /** PyTorch's default momentum of the running statistics. */
    public static final float MOMENTUM = 0.1f;
    private final int columns;
    private final Parameter gamma;
    private final Parameter beta;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final String name;

    /**
     * γ = 1, β = 0, running mean 0 and variance 1 for {@code columns} columns.
     *
     * @param name prefix of the parameter names ({@code name.gamma}, {@code name.beta})
     * @param columns the number of features normalised
     */
    public BatchNorm(String name, int columns) {
        this.name = name;
        this.columns = columns;
        this.gamma = new Parameter(name + ".gamma", Tensor.full(1f, columns), false);
        this.beta = new Parameter(name + ".beta", Tensor.zeros(columns), false);
        this.runningMean = Tensor.zeros(columns);
        this.runningVar = Tensor.full(1f, columns);
    }

    @Override
    public Variable forward(Variable x, boolean training) {
        if (!training) {
            // A fixed per-column affine map, composed from broadcasting operations.
            Tensor invStd = Tensor.zeros(columns);
            for (int j = 0; j < columns; j++) {
                invStd.set(j, (float) (1 / Math.sqrt(runningVar.get(j) + EPS)));
            }
            Variable scale = mul(gamma.variable(), Variable.constant(invStd));
            return add(mul(sub(x, Variable.constant(runningMean)), scale), beta.variable());
        }
        return normalize(x, gamma.variable(), beta.variable(), runningMean, runningVar);
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(gamma, beta);
    }

    @Override
    public Map<String, Tensor> buffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put(name + ".running_mean", runningMean);
        out.put(name + ".running_var", runningVar);
        return out;
    }

    /**
     * Training-mode batch norm as one operation, updating the running statistics when they are
     * given (non-null). With x̂ the normalised input and σ its per-column standard deviation, the
     * gradients are ∂β = Σ G, ∂γ = Σ G·x̂ and ∂x = γ/(σ·B)·(B·G − ∂β − x̂·∂γ) over the B rows.
     *
     * @param x the batch, [B, c], B ≥ 2
     * @param gamma γ, the per-column scale, [c]
     * @param beta β, the per-column shift, [c]
     * @param runningMean updated with momentum 0.1 when non-null, [c]
     * @param runningVar updated (unbiased variance) with momentum 0.1 when non-null, [c]
     * @return the normalised, scaled and shifted batch, [B, c]
     */
    public static Variable normalize(Variable x, Variable gamma, Variable beta, Tensor runningMean,
                                     Tensor runningVar) {
        return normalize(x, gamma, beta, runningMean, runningVar, false);
    }

    /**
     * Training-mode batch norm followed by max(·, 0) as one operation, which {@link Sequential} uses
     * for a batch norm followed by a {@link Relu}: the same values and gradients as the two
     * operations, without the ReLU's own pass over the batch and its copy of it each way.
     *
     * @param x the batch, [B, c], B ≥ 2
     * @return max(batch norm of x, 0), [B, c]
     */
    Variable forwardRelu(Variable x) {
        return normalize(x, gamma.variable(), beta.variable(), runningMean, runningVar, true);
    }

    private static Variable normalize(Variable x, Variable gamma, Variable beta, Tensor runningMean,
                                      Tensor runningVar, boolean relu) {
        Tensor xv = x.value();
        xv.requireRank(2, "batch norm (x)");
        int rows = xv.dim(0), cols = xv.dim(1);
        if (rows < 2) {
            throw new IllegalArgumentException("batch norm needs at least 2 rows to estimate a variance, got "
                    + xv.shapeString());
        }
        Tensor y = Tensor.zeros(rows, cols), invStd = Tensor.zeros(cols), negMean = Tensor.zeros(cols);
        Tensor variance = Tensor.zeros(cols);
        float[] xd = xv.array(), yd = y.array(), sd = invStd.array(), nd = negMean.array(), vd = variance.array();
        float[] gd = gamma.value().array(), bd = beta.value().array();
        int xo = xv.offset(), go = gamma.value().offset(), bo = beta.value().offset();
        forColumns(rows, cols, (from, to) -> {
            ArrayKernel k = Context.current().kernels().array();
            k.addColumnSums(xd, xo + from, cols, rows, nd, from, to - from);
            for (int j = from; j < to; j++) {
                nd[j] = -(nd[j] / rows);
            }
            k.addSquaredDeviations(xd, xo + from, cols, rows, nd, vd, from, to - from);
            for (int j = from; j < to; j++) {
                vd[j] /= rows;
                sd[j] = (float) (1 / Math.sqrt(vd[j] + EPS));
            }
        });
        forRows(rows, cols, (from, to) -> {
            ArrayKernel k = Context.current().kernels().array();
            for (int r = from; r < to; r++) {
                k.batchNormRow(xd, xo + r * cols, nd, sd, 0, gd, go, bd, bo, relu, yd, r * cols, cols);
            }
        });
        if (runningMean != null) {
            float unbias = (float) rows / (rows - 1);
            for (int j = 0; j < cols; j++) {
                runningMean.set(j, (1 - MOMENTUM) * runningMean.get(j) - MOMENTUM * nd[j]);
                runningVar.set(j, (1 - MOMENTUM) * runningVar.get(j) + MOMENTUM * vd[j] * unbias);
            }
        }
        y.markModified();
        invStd.markModified();
        negMean.markModified();
        if (relu) {
            return Variable.fromOp("batchNormRelu", y, List.of(x, gamma, beta),
                    List.of(xv, negMean, invStd, gamma.value(), y),
                    g -> backward(g, y, xv, negMean, invStd, gamma.value(), x.requiresGrad()));
        }
        return Variable.fromOp("batchNorm", y, List.of(x, gamma, beta), List.of(xv, negMean, invStd, gamma.value()),
                g -> backward(g, null, xv, negMean, invStd, gamma.value(), x.requiresGrad()));
    }

    /**
     * The gradients of batch norm from G, the gradient of its output, or, when {@code reluOut} is
     * given, of max(its output, 0): then G counts only where that output is positive.
     */
    private static Tensor[] backward(Tensor g, Tensor reluOut, Tensor x, Tensor negMean, Tensor invStd, Tensor gamma,
                                     boolean needX) {
        int rows = g.dim(0), cols = g.dim(1);
        Tensor dGamma = Tensor.zeros(cols), dBeta = Tensor.zeros(cols);
        Tensor dx = needX ? Tensor.zeros(rows, cols) : null;
        float[] gd = g.array(), xd = x.array(), nd = negMean.array(), sd = invStd.array(), gam = gamma.array();
        float[] dgd = dGamma.array(), dbd = dBeta.array();
        float[] od = reluOut == null ? null : reluOut.array();
        int go = g.offset(), xo = x.offset(), gamo = gamma.offset();
        // ∂x = a·G + b + c·x̂ per column, with scale = γ/(σ·B): a = scale·B, b = −scale·∂β, c = −scale·∂γ.
        float[] a = new float[cols], b = new float[cols], c = new float[cols];
        float[] dxd = dx == null ? null : dx.array();
        forColumns(rows, cols, (from, to) -> {
            Context.current().kernels().array().addBatchNormGradients(gd, go + from, od, from, xd, xo + from, cols, rows,
                    nd, sd, dbd, dgd, from, to - from);
            for (int j = from; j < to; j++) {
                float scale = gam[gamo + j] * sd[j] / rows;
                a[j] = scale * rows;
                b[j] = -scale * dbd[j];
                c[j] = -scale * dgd[j];
            }
        });
        if (dxd != null) {
            forRows(rows, cols, (from, to) -> {
                ArrayKernel k = Context.current().kernels().array();
                for (int r = from; r < to; r++) {
                    int row = r * cols;
                    k.batchNormInputGradient(gd, go + row, od, row, xd, xo + row, nd, sd, a, b, c, 0, dxd, row, cols);
                }
            });
        }
        dGamma.markModified();
        dBeta.markModified();
        if (dx != null) {
            dx.markModified();
        }
        return new Tensor[] {dx, dGamma, dBeta};
    }

    /**
     * Runs {@code body} over column ranges, one per thread, that start at multiples of the widest
     * vector: the per-column sums over the rows, which the kernels keep in registers down a strip of
     * columns. Each column's sum runs over the rows in order whatever the ranges, so the bits do
     * not depend on the threads.
     */
    private static void forColumns(int rows, int cols, Parallel.RangeBody body) {
        Parallel.forRange(cols, Math.max(ArrayKernel.WIDEST_LANES, (1 << 15) / rows), ArrayKernel.WIDEST_LANES, body);
    }

    /**
     * Runs {@code body} over row ranges, one per thread: the element-wise passes, each thread
     * writing whole rows one after the other, where column ranges would write short strided runs.
     */
    private static void forRows(int rows, int cols, Parallel.RangeBody body) {
        Parallel.forRange(rows, Math.max(1, (1 << 15) / cols), body);
    }
}
