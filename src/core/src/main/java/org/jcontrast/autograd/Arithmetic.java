package org.jcontrast.autograd;

import java.util.List;
import java.util.function.UnaryOperator;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.kernel.Parallel;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.tensor.Tensor;

/**
 * Elementwise operations. The binary ones broadcast as NumPy does over ranks 0–2: shapes are
 * aligned on the right and a dimension of 1 stretches, so a [c] (or [1, c]) row vector applies to
 * every row, an [r, 1] column vector to every column and a scalar to everything; the gradient of
 * a stretched input is summed back to its shape.
 * <p>Stateless and thread-safe; the {@link Variable}s it builds are not (one graph per thread).
 */
public final class Arithmetic {
    /** Elements per parallel chunk of the loops written out here. */
    private static final int ELEMENT_GRAIN = 1 << 15;

    private Arithmetic() {
    }

    /**
     * x + y, broadcasting.
     *
     * @param x the first operand
     * @param y the second operand, broadcast against {@code x}
     * @return x + y, broadcasting
     */
    public static Variable add(Variable x, Variable y) {
        int[] shape = Broadcast.shape(x.value(), y.value(), "add");
        Tensor out = Ops.add(Broadcast.expand(x.value(), shape), Broadcast.expand(y.value(), shape));
        int[] xShape = x.value().shape(), yShape = y.value().shape();
        return Variable.fromOp("add", out, List.of(x, y), List.of(), g -> new Tensor[] {
                x.requiresGrad() ? Broadcast.reduceTo(g, xShape) : null,
                y.requiresGrad() ? Broadcast.reduceTo(g, yShape) : null});
    }

    /**
     * x − y, broadcasting.
     *
     * @param x the first operand
     * @param y the second operand, broadcast against {@code x}
     * @return x − y, broadcasting
     */
    public static Variable sub(Variable x, Variable y) {
        int[] shape = Broadcast.shape(x.value(), y.value(), "sub");
        Tensor out = Ops.scale(Broadcast.expand(y.value(), shape), -1f);
        Ops.axpyInto(1f, Broadcast.expand(x.value(), shape), out);
        int[] xShape = x.value().shape(), yShape = y.value().shape();
        return Variable.fromOp("sub", out, List.of(x, y), List.of(), g -> new Tensor[] {
                x.requiresGrad() ? Broadcast.reduceTo(g, xShape) : null,
                y.requiresGrad() ? Broadcast.reduceTo(Ops.scale(g, -1f), yShape) : null});
    }

    /**
     * x·y elementwise, broadcasting; multiplying by a constant 0/1 mask zeroes entries and their gradients.
     *
     * @param x the first operand
     * @param y the second operand, broadcast against {@code x}
     * @return x·y elementwise, broadcasting; multiplying by a constant 0/1 mask zeroes entries and their gradients
     */
    public static Variable mul(Variable x, Variable y) {
        Tensor xv = x.value(), yv = y.value();
        int[] shape = Broadcast.shape(xv, yv, "mul");
        Tensor out = Ops.mul(Broadcast.expand(xv, shape), Broadcast.expand(yv, shape));
        return Variable.fromOp("mul", out, List.of(x, y), List.of(xv, yv), g -> new Tensor[] {
                x.requiresGrad() ? Broadcast.reduceTo(Ops.mul(g, Broadcast.expand(yv, shape)), xv.shape()) : null,
                y.requiresGrad() ? Broadcast.reduceTo(Ops.mul(g, Broadcast.expand(xv, shape)), yv.shape()) : null});
    }

    /**
     * x / y elementwise, broadcasting.
     *
     * @param x the numerator
     * @param y the denominator, broadcast against {@code x}
     * @return x / y elementwise, broadcasting
     */
    public static Variable div(Variable x, Variable y) {
        Tensor xv = x.value(), yv = y.value();
        int[] shape = Broadcast.shape(xv, yv, "div");
        Tensor out = Pointwise.zip(Broadcast.expand(xv, shape), Broadcast.expand(yv, shape), (a, b) -> a / b);
        return Variable.fromOp("div", out, List.of(x, y), List.of(yv, out), g -> {
            Tensor gOverY = Pointwise.zip(g, Broadcast.expand(yv, shape), (a, b) -> a / b);
            return new Tensor[] {
                    x.requiresGrad() ? Broadcast.reduceTo(gOverY, xv.shape()) : null,
                    // ∂(x/y)/∂y = −(x/y)/y
                    y.requiresGrad() ? Broadcast.reduceTo(Pointwise.zip(gOverY, out, (a, q) -> -a * q), yv.shape())
                            : null};
        });
    }

    /**
     * alpha·x.
     *
     * @param x the input
     * @param alpha the factor
     * @return alpha·x
     */
    public static Variable scale(Variable x, float alpha) {
        return Variable.fromOp("scale", Ops.scale(x.value(), alpha), List.of(x), List.of(),
                g -> new Tensor[] {Ops.scale(g, alpha)});
    }

    /**
     * exp(x).
     *
     * @param x the input
     * @return exp(x)
     */
    public static Variable exp(Variable x) {
        return pointwise("exp", x, Ops::exp, (v, y) -> y);
    }

    /**
     * log(x).
     *
     * @param x the input
     * @return log(x)
     */
    public static Variable log(Variable x) {
        return pointwise("log", x, Ops::log, (v, y) -> 1f / v);
    }

    /**
     * √x.
     *
     * @param x the input
     * @return √x
     */
    public static Variable sqrt(Variable x) {
        return pointwise("sqrt", x, t -> Pointwise.map(t, v -> (float) Math.sqrt(v)), (v, y) -> 0.5f / y);
    }

    /**
     * max(x, 0); the gradient at 0 is 0, as PyTorch's. Written on the array kernels rather than
     * through {@code pointwise}, since a network applies it to every hidden activation.
     *
     * @param x the input
     * @return max(x, 0); the gradient at 0 is 0, as PyTorch's
     */
    public static Variable relu(Variable x) {
        Tensor in = x.value();
        Tensor out = Tensor.zeros(in.shape());
        float[] xd = in.array(), od = out.array();
        int xo = in.offset();
        Parallel.forRange(od.length, ELEMENT_GRAIN,
                (from, to) -> Context.current().kernels().array().relu(xd, xo + from, od, from, to - from));
        out.markModified();
        return Variable.fromOp("relu", out, List.of(x), List.of(out), g -> {
            Tensor dx = Tensor.zeros(g.shape());
            float[] gd = g.array(), dd = dx.array();
            int go = g.offset();
            Parallel.forRange(dd.length, ELEMENT_GRAIN,
                    (from, to) -> Context.current().kernels().array()
                            .reluBackward(od, from, gd, go + from, dd, from, to - from));
            dx.markModified();
            return new Tensor[] {dx};
        });
    }

    /**
     * x limited to [lo, hi] (either may be infinite); the gradient passes where lo ≤ x ≤ hi and is 0
     * where x was cut, as PyTorch's {@code clamp}.
     *
     * @param x the input
     * @param lo the lower limit, may be −∞
     * @param hi the upper limit, may be +∞
     * @return x limited to [lo, hi] (either may be infinite); the gradient passes where lo ≤ x ≤ hi and is 0 where x
     *     was cut, as PyTorch's {@code clamp}
     */
    public static Variable clamp(Variable x, float lo, float hi) {
        if (!(lo <= hi)) {
            throw new IllegalArgumentException("clamp: needs lo ≤ hi, got lo = " + lo + " and hi = " + hi);
        }
        return pointwise("clamp", x, t -> Pointwise.map(t, v -> Math.min(Math.max(v, lo), hi)),
                (v, y) -> v >= lo && v <= hi ? 1f : 0f);
    }

    /** y = f(x) elementwise with dy/dx = slope(x, y); both x and y are saved for the backward. */
    private static Variable pointwise(String op, Variable x, UnaryOperator<Tensor> f, Pointwise.Binary slope) {
        Tensor in = x.value();
        Tensor out = f.apply(in);
        return Variable.fromOp(op, out, List.of(x), List.of(in, out),
                g -> new Tensor[] {Pointwise.zip(g, in, out, (gv, v, y) -> gv * slope.apply(v, y))});
    }
}
