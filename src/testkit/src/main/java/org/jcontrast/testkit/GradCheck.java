package org.jcontrast.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.jcontrast.autograd.NoGrad;
import org.jcontrast.autograd.Variable;
import org.jcontrast.loss.BatchInputs;
import org.jcontrast.loss.Loss;
import org.jcontrast.loss.LossResult;
import org.jcontrast.tensor.Tensor;

/**
 * A gradient check: the analytic gradient of a {@link Loss} or of a function of {@link Variable}s
 * against float64 central differences, entry by entry, under a {@link Tolerance} relative to each
 * gradient row's scale. The result is a {@link GradReport} saying where it failed.
 *
 * <pre>{@code
 * GradCheck.of(myLoss).check(z1, z2).orThrow();                       // a Loss: ∂L/∂z1, ∂L/∂z2
 * GradCheck.of(v -> Reductions.sum(Arithmetic.exp(v[0]))).check(x);    // any autograd function
 * }</pre>
 *
 * <p><b>The numeric reference, from the function written once.</b> The check differentiates the same
 * function it tests: it re-evaluates it at each input entry moved by ±h and ±2h and takes the
 * differences in float64, combined by Richardson extrapolation ({@code (4·D(h) − D(2h)) / 3}, whose
 * truncation error is O(h⁴)) so that a step large enough to rise above float32 rounding still gives
 * the derivative to ~1e-4 of the row's scale. Steps are h = 2⁻⁸ · max(|x|, rms of the input), and the
 * moved entries are rounded to float32 before the differences divide by the step actually taken.
 * Where a float64 twin of the function exists, {@link #reference(Function64)} differentiates the
 * twin instead (steps of 1e-6, plain central differences) and compares the function's value with
 * the twin's too; the default tolerance then tightens to {@link Tolerance#FLOAT64_TWIN}.
 *
 * <p><b>A {@link Loss}</b> is checked with respect to its two views; CLIP's logit-scale gradient is
 * not (a {@code Loss} cannot be re-evaluated at another logit scale): check it as a function of t.
 *
 * <p><b>Non-scalar functions</b> are checked through a vector–Jacobian product: the output is
 * projected on a random direction u (drawn from the check's seed) and both sides differentiate
 * Σ u_k·f_k, so one backward pass checks every input entry.
 *
 * <p><b>The tolerance</b> is relative to each gradient row's scale (one embedding's gradient), see
 * {@link Tolerance}; for the float32 differences the allowed error also includes the reference's
 * own uncertainty, estimated as 2·|D(h) − D(2h)|, which bounds the rounding noise and the truncation
 * the extrapolation removed. A wrong sign, a missing term or a wrong temperature factor is off by a
 * sizeable fraction of the row's scale and fails.
 *
 * <p>The function must be differentiable within the steps (about 1% of a row's norm): keep inputs
 * away from kinks (relu at 0, a top-K selection's boundary, ‖z‖ = eps) as {@link Embeddings}'s
 * options do. A loss that refuses moved inputs (rows declared unit-norm) or whose backward is not
 * ∂L on purpose (DCLW with its weight detached) cannot be checked this way. Instances are
 * immutable; a check is as thread-safe as the function it calls.
 */
public final class GradCheck {
    private static final double STEP32 = 0x1p-8;
    private static final double STEP64 = 1e-6;

    /** A function of variables built with jcontrast's autograd operations; it must not modify its inputs. */
    @FunctionalInterface
    public interface VariableFunction {
        /**
         * The output, of any shape, computed from {@code inputs}.
         *
         * @param inputs the input variables, one per tensor given to {@link GradCheck#check}
         * @return the output
         */
        Variable apply(Variable... inputs);
    }

    /** A float64 twin of a function: its output (row-major) from row-major float64 inputs, which it must not modify. */
    @FunctionalInterface
    public interface Function64 {
        /**
         * The output for these inputs (for a {@link Loss}, one value: the loss).
         *
         * @param inputs the inputs, each row-major
         * @return the output, row-major
         */
        double[] apply(double[][] inputs);
    }

    /** What is checked: a loss (two inputs, z1 and z2) or a variable function (any number). */
    private sealed interface Target {
        String describe();
    }

    private record LossTarget(Loss loss, BatchInputs batch) implements Target {
        @Override
        public String describe() {
            return loss.toString();
        }
    }

    private record FunctionTarget(VariableFunction fn) implements Target {
        @Override
        public String describe() {
            return "function";
        }
    }

    private final Target target;
    private final String name;
    private final Function64 twin;
    private final Tolerance tolerance;
    private final Long seed;

    private GradCheck(Target target, String name, Function64 twin, Tolerance tolerance, Long seed) {
        this.target = target;
        this.name = name;
        this.twin = twin;
        this.tolerance = tolerance;
        this.seed = seed;
    }

    /**
     * A check of {@code loss} on batches that need nothing beyond the two views.
     *
     * @param loss the loss, built-in or your own
     * @return the check, with the default tolerance and no seed
     */
    public static GradCheck of(Loss loss) {
        return of(loss, BatchInputs.none());
    }

    /**
     * A check of {@code loss} with the batch's labels or memory bank.
     *
     * @param loss  the loss, built-in or your own
     * @param batch what the loss takes besides the views, passed to every evaluation
     * @return the check, with the default tolerance and no seed
     */
    public static GradCheck of(Loss loss, BatchInputs batch) {
        return new GradCheck(new LossTarget(Objects.requireNonNull(loss, "loss"), Objects.requireNonNull(batch, "batch")),
                null, null, null, null);
    }

    /**
     * A check of an autograd function of any number of inputs.
     *
     * @param fn the function, built with jcontrast's autograd operations
     * @return the check, with the default tolerance and no seed
     */
    public static GradCheck of(VariableFunction fn) {
        return new GradCheck(new FunctionTarget(Objects.requireNonNull(fn, "fn")), null, null, null, null);
    }

    /**
     * The same check, named {@code label} in its reports.
     *
     * @param label the name (default: the loss's {@code toString()}, or "function")
     * @return a new check
     */
    public GradCheck named(String label) {
        return new GradCheck(target, Objects.requireNonNull(label, "label"), twin, tolerance, seed);
    }

    /**
     * The same check with the numeric reference taken from a float64 twin of the function (the loss
     * value for a {@link Loss}, the output for a function) instead of the function itself.
     *
     * @param float64Twin the same function in float64
     * @return a new check
     */
    public GradCheck reference(Function64 float64Twin) {
        return new GradCheck(target, name, Objects.requireNonNull(float64Twin, "float64Twin"), tolerance, seed);
    }

    /**
     * The same check under another tolerance (default {@link Tolerance#FLOAT32}, or
     * {@link Tolerance#FLOAT64_TWIN} with a {@link #reference}).
     *
     * @param t the tolerance
     * @return a new check
     */
    public GradCheck tolerance(Tolerance t) {
        return new GradCheck(target, name, twin, Objects.requireNonNull(t, "tolerance"), seed);
    }

    /**
     * The same check naming {@code s} in its reports as the seed that reproduces the inputs (a
     * {@link Property} trial's {@link Gen#seed()}); it also seeds the projection of a non-scalar output.
     *
     * @param s the seed
     * @return a new check
     */
    public GradCheck seed(long s) {
        return new GradCheck(target, name, twin, tolerance, s);
    }

    /**
     * The tolerance this check applies.
     *
     * @return the tolerance given, or the default for the reference in use
     */
    public Tolerance tolerance() {
        return tolerance != null ? tolerance : twin != null ? Tolerance.FLOAT64_TWIN : Tolerance.FLOAT32;
    }

    /**
     * Checks the gradient with respect to every input at {@code inputs} (for a {@link Loss}: z1 and
     * z2, [N, d] each). The inputs are not modified.
     *
     * @param inputs the point at which to differentiate
     * @return the report, passed or not
     * @throws IllegalArgumentException when a loss gets other than two inputs, or the function fails
     */
    public GradReport check(Tensor... inputs) {
        List<GradReport.Input> compared = target instanceof LossTarget t ? lossGradients(t, inputs)
                : functionGradients(((FunctionTarget) target).fn, inputs);
        String subject = (name != null ? name : target.describe()) + " at " + shapes(inputs);
        GradReport report = GradReport.compare(subject, tolerance(), compared);
        return seed == null ? report : report.withSeed(seed);
    }

    /**
     * {@link #check} that throws an {@link AssertionError} carrying the report when it fails.
     *
     * @param inputs the point at which to differentiate
     * @throws AssertionError whose message is the report, when an entry is off
     */
    public void assertPasses(Tensor... inputs) {
        check(inputs).orThrow();
    }

    private List<GradReport.Input> lossGradients(LossTarget t, Tensor[] inputs) {
        if (inputs.length != 2) {
            throw new IllegalArgumentException("a loss is checked at two views z1, z2; got " + inputs.length + " inputs");
        }
        LossResult r = t.loss.compute(inputs[0].copy(), inputs[1].copy(), t.batch);
        Value f = twin != null ? x -> twin.apply(x)[0]
                : x -> t.loss.compute(tensor(x[0], inputs[0]), tensor(x[1], inputs[1]), t.batch).loss();
        double[][] x = doubles(inputs);
        return List.of(compared("z1", r.grad1(), f, x, 0), compared("z2", r.grad2(), f, x, 1));
    }

    private List<GradReport.Input> functionGradients(VariableFunction fn, Tensor[] inputs) {
        Variable[] params = new Variable[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            params[i] = Variable.parameter("input " + i, inputs[i].copy());
        }
        Variable y = fn.apply(params);
        Tensor direction = y.value().size() == 1 ? Tensor.full(1f, y.value().shape())
                : Tensor.randn(new SplittableRandom(seed == null ? 0 : seed), y.value().shape());
        double[] u = direction.toDoubleArray();
        List<GradReport.Input> compared = new ArrayList<>();
        double[][] x = doubles(inputs);
        if (twin != null) {
            compared.add(GradReport.Input.of("value", y.value(), twin.apply(x)));
        }
        y.backward(direction);
        Value f = twin != null ? v -> dot(u, twin.apply(v)) : v -> {
            Variable[] constants = new Variable[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                constants[i] = Variable.constant(tensor(v[i], inputs[i]));
            }
            try (NoGrad ignored = NoGrad.enter()) {
                return dot(u, fn.apply(constants).value().toDoubleArray());
            }
        };
        for (int i = 0; i < inputs.length; i++) {
            Tensor g = params[i].grad() != null ? params[i].grad() : Tensor.zeros(inputs[i].shape());
            compared.add(compared("input " + i, g, f, x, i));
        }
        return compared;
    }

    /** A scalar function of the inputs, evaluated in float64 or through float32 tensors. */
    private interface Value {
        double at(double[][] inputs);
    }

    /**
     * The analytic gradient of inputs[which] against central differences: Richardson-extrapolated
     * float32 steps, whose uncertainty is taken as 2·|D(h) − D(2h)| (a rough bound, with a margin of
     * 2, on both the rounding noise and the truncation error the extrapolation removed), or plain
     * float64 steps on a twin.
     */
    private GradReport.Input compared(String input, Tensor analytic, Value f, double[][] x, int which) {
        double[] v = x[which];
        double rms = Math.sqrt(dot(v, v) / Math.max(1, v.length));
        double[] grad = new double[v.length];
        double[] uncertainty = twin != null ? null : new double[v.length];
        for (int j = 0; j < v.length; j++) {
            double h = (twin != null ? STEP64 : STEP32) * Math.max(Math.abs(v[j]), rms > 0 ? rms : 1);
            double d1 = difference(f, x, which, j, h);
            if (twin != null) {
                grad[j] = d1;
            } else {
                double d2 = difference(f, x, which, j, 2 * h);
                grad[j] = (4 * d1 - d2) / 3;
                uncertainty[j] = 2 * Math.abs(d1 - d2);
            }
        }
        return GradReport.Input.of(input, analytic, grad, uncertainty);
    }

    private double difference(Value f, double[][] x, int which, int j, double h) {
        double keep = x[which][j];
        double up = twin != null ? keep + h : (float) (keep + h);
        double down = twin != null ? keep - h : (float) (keep - h);
        x[which][j] = up;
        double fUp = f.at(x);
        x[which][j] = down;
        double fDown = f.at(x);
        x[which][j] = keep;
        return (fUp - fDown) / (up - down);
    }

    private static double[][] doubles(Tensor[] inputs) {
        double[][] x = new double[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            x[i] = inputs[i].toDoubleArray();
        }
        return x;
    }

    /** A float32 tensor of {@code like}'s shape holding {@code values}. */
    private static Tensor tensor(double[] values, Tensor like) {
        float[] a = new float[values.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) values[i];
        }
        return Tensor.wrap(a, like.shape());
    }

    private static double dot(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("the float64 twin gives " + b.length + " values, the function "
                    + a.length);
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static String shapes(Tensor[] inputs) {
        String[] s = new String[inputs.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = inputs[i].shapeString();
        }
        return String.join(" ", Arrays.asList(s));
    }
}
