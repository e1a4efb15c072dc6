package org.jcontrast.simclr.eval;

/**
 * Limited-memory BFGS (Nocedal &amp; Wright, algorithm 7.4) with a backtracking Armijo line search,
 * for the smooth, strongly convex objective of the linear probe. Sequential double arithmetic:
 * the same objective gives the same iterates.
 */
final class Lbfgs {
    private static final double ARMIJO = 1e-4;
    private static final int MAX_HALVINGS = 40;
    private static final double RELATIVE_DECREASE = 1e-10;

    /** A function and its gradient. */
    @FunctionalInterface
    interface Objective {
        /** Returns f(x) and writes ∇f(x) into {@code grad}. */
        double evaluate(double[] x, double[] grad);
    }

    /** Where the search stopped. */
    record Result(double[] x, double value, int iterations, boolean converged) {
    }

    private Lbfgs() {
    }

    /**
     * Minimises {@code f} from {@code x0} until the largest gradient component is below
     * {@code gradTolerance}, the value stops decreasing, or {@code maxIterations} iterations.
     */
    static Result minimize(Objective f, double[] x0, int maxIterations, double gradTolerance, int memory) {
        int n = x0.length;
        double[] x = x0.clone(), g = new double[n], xNew = new double[n], gNew = new double[n], d = new double[n];
        double[][] s = new double[memory][n], y = new double[memory][n];
        double[] rho = new double[memory], alpha = new double[memory];
        int stored = 0, newest = -1;
        double fx = f.evaluate(x, g);
        int iter = 0;
        boolean converged = false;
        while (iter < maxIterations) {
            if (maxAbs(g) < gradTolerance) {
                converged = true;
                break;
            }
            direction(g, s, y, rho, alpha, stored, newest, d);
            double gd = dot(g, d);
            if (!(gd < 0)) { // lost descent (numerical trouble): forget the curvature pairs
                stored = 0;
                direction(g, s, y, rho, alpha, 0, newest, d);
                gd = dot(g, d);
            }
            double step = stored == 0 ? Math.min(1, 1 / Math.sqrt(dot(g, g))) : 1;
            double fNew = Double.NaN;
            boolean accepted = false;
            for (int h = 0; h < MAX_HALVINGS && !accepted; h++) {
                for (int i = 0; i < n; i++) {
                    xNew[i] = x[i] + step * d[i];
                }
                fNew = f.evaluate(xNew, gNew);
                accepted = fNew <= fx + ARMIJO * step * gd; // false for NaN
                step *= 0.5;
            }
            iter++;
            if (!accepted) {
                if (stored == 0) {
                    break; // not even steepest descent makes progress: as good as it gets in floating point
                }
                stored = 0;
                continue;
            }
            int slot = (newest + 1) % memory;
            double sy = 0, yy = 0;
            for (int i = 0; i < n; i++) {
                s[slot][i] = xNew[i] - x[i];
                y[slot][i] = gNew[i] - g[i];
                sy += s[slot][i] * y[slot][i];
                yy += y[slot][i] * y[slot][i];
            }
            if (sy > 1e-12 * yy && yy > 0) { // keep only pairs with positive curvature
                rho[slot] = 1 / sy;
                newest = slot;
                stored = Math.min(stored + 1, memory);
            }
            boolean stalled = fx - fNew <= RELATIVE_DECREASE * Math.max(1, Math.abs(fx));
            System.arraycopy(xNew, 0, x, 0, n);
            System.arraycopy(gNew, 0, g, 0, n);
            fx = fNew;
            if (stalled) {
                converged = true;
                break;
            }
        }
        return new Result(x, fx, iter, converged);
    }

    /** d = −H·g by the two-loop recursion over the {@code stored} newest pairs. */
    private static void direction(double[] g, double[][] s, double[][] y, double[] rho, double[] alpha, int stored,
                                  int newest, double[] d) {
        int m = s.length;
        for (int i = 0; i < g.length; i++) {
            d[i] = -g[i];
        }
        for (int k = 0; k < stored; k++) {
            int j = Math.floorMod(newest - k, m);
            alpha[j] = rho[j] * dot(s[j], d);
            axpy(-alpha[j], y[j], d);
        }
        if (stored > 0) {
            double gamma = dot(s[newest], y[newest]) / dot(y[newest], y[newest]);
            for (int i = 0; i < d.length; i++) {
                d[i] *= gamma;
            }
        }
        for (int k = stored - 1; k >= 0; k--) {
            int j = Math.floorMod(newest - k, m);
            double beta = rho[j] * dot(y[j], d);
            axpy(alpha[j] - beta, s[j], d);
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }
}
