package org.jcontrast.testing;

import org.jcontrast.tensor.Tensor;

/**
 * Float64 central finite differences, and the comparison of float32 results with float64 ground
 * truth that every gradient test uses.
 */
public final class GradientCheck {
    private GradientCheck() {
    }

    /** A float64 function of several row-major arrays, giving a row-major array. */
    @FunctionalInterface
    public interface Function64 {
        /** The output for these inputs (which it must not modify). */
        double[] apply(double[][] inputs);
    }

    /**
     * ∂φ/∂inputs[which] by central differences with step h, where φ(x) = Σ_k seed_k·f(x)_k: the
     * vector-Jacobian product that a backward pass seeded with {@code seed} computes.
     */
    public static double[] vjp(Function64 f, double[][] inputs, int which, double[] seed, double h) {
        double[] x = inputs[which];
        double[] grad = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double keep = x[i];
            x[i] = keep + h;
            double up = dot(seed, f.apply(inputs));
            x[i] = keep - h;
            double down = dot(seed, f.apply(inputs));
            x[i] = keep;
            grad[i] = (up - down) / (2 * h);
        }
        return grad;
    }

    /**
     * Throws unless every |got − expected| ≤ tol·max(floor, max|expected|): an error measured
     * against the size of the whole result, as float32 rounding is, so that entries that cancel
     * to nearly zero do not demand a relative precision float32 cannot give.
     */
    public static void assertClose(String what, double[] expected, Tensor got, double tol, double floor) {
        if (got == null) {
            throw new AssertionError(what + ": no value (null), expected " + expected.length + " values");
        }
        if (got.size() != expected.length) {
            throw new AssertionError(what + ": " + got.size() + " values " + got.shapeString() + ", expected "
                    + expected.length);
        }
        double scale = floor;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(got.get(i) - expected[i]);
            if (!(err <= tol * scale)) {
                throw new AssertionError(what + "[" + i + "] = " + got.get(i) + ", expected " + expected[i]
                        + " (error " + err + " > " + tol + " × scale " + scale + ")");
            }
        }
    }

    private static double dot(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new AssertionError("seed has " + a.length + " values, the function gives " + b.length);
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
