package org.jcontrast.testkit;

import java.util.Arrays;
import org.jcontrast.loss.NegativeSet;
import org.jcontrast.loss.Selection;
import org.jcontrast.tensor.Tensor;

/**
 * Generators of embedding batches: two views z1, z2 of N rows of d values, drawn from a
 * {@link Gen} so that a failing trial shrinks its (N, d). Options cover the hard cases of
 * contrastive losses: row norms (or unit rows), views that are near-duplicates of each other,
 * near-duplicate rows within a view (near-ties in every anchor's ranking, the top-K boundary
 * included), zero rows and rows below a normalisation eps (which PyTorch's normalisation accepts), and,
 * for gradient checks of selecting losses, the opposite: every anchor's top-K boundary separated
 * by a gap. {@link #temperature} draws temperatures over four decades.
 *
 * <pre>{@code
 * Embeddings.Views v = Embeddings.views().rows(2, 6).width(2, 4).norms(0.5, 3).draw(gen);
 * }</pre>
 *
 * Instances are immutable option sets (each option returns a new one) and thread-safe.
 */
public final class Embeddings {
    private static final int MAX_DRAWS = 10_000;

    private final int minRows;
    private final int maxRows;
    private final int minWidth;
    private final int maxWidth;
    private final double minNorm;
    private final double maxNorm;
    private final double viewNoise;
    private final double duplicateNoise;
    private final float belowEps;
    private final Selection separated;
    private final NegativeSet separatedSet;
    private final double gap;

    /**
     * The two views of a batch, [N, d] each.
     *
     * @param z1 the first view, [N, d]
     * @param z2 the second view, [N, d]
     */
    public record Views(Tensor z1, Tensor z2) {
        /**
         * The rows of each view.
         *
         * @return N
         */
        public int n() {
            return z1.dim(0);
        }

        /**
         * The width of a row.
         *
         * @return d
         */
        public int d() {
            return z1.dim(1);
        }
    }

    private Embeddings(int minRows, int maxRows, int minWidth, int maxWidth, double minNorm, double maxNorm,
                       double viewNoise, double duplicateNoise, float belowEps, Selection separated,
                       NegativeSet separatedSet, double gap) {
        this.minRows = minRows;
        this.maxRows = maxRows;
        this.minWidth = minWidth;
        this.maxWidth = maxWidth;
        this.minNorm = minNorm;
        this.maxNorm = maxNorm;
        this.viewNoise = viewNoise;
        this.duplicateNoise = duplicateNoise;
        this.belowEps = belowEps;
        this.separated = separated;
        this.separatedSet = separatedSet;
        this.gap = gap;
    }

    /**
     * Independent Gaussian views, N in [2, 8], d in [2, 6], row norms in [0.5, 3].
     *
     * @return the generator, to be narrowed with the other methods
     */
    public static Embeddings views() {
        return new Embeddings(2, 8, 2, 6, 0.5, 3, Double.NaN, Double.NaN, Float.NaN, null, null, 0);
    }

    /**
     * N drawn in [min, max] (shrinking towards min).
     *
     * @param min the fewest rows, at least 1
     * @param max the most rows, at least {@code min}
     * @return a generator with that range
     */
    public Embeddings rows(int min, int max) {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("rows: need 1 ≤ min ≤ max, got " + min + ", " + max);
        }
        return new Embeddings(min, max, minWidth, maxWidth, minNorm, maxNorm, viewNoise, duplicateNoise, belowEps,
                separated, separatedSet, gap);
    }

    /**
     * d drawn in [min, max] (shrinking towards min).
     *
     * @param min the narrowest row, at least 1
     * @param max the widest row, at least {@code min}
     * @return a generator with that range
     */
    public Embeddings width(int min, int max) {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("width: need 1 ≤ min ≤ max, got " + min + ", " + max);
        }
        return new Embeddings(minRows, maxRows, min, max, minNorm, maxNorm, viewNoise, duplicateNoise, belowEps,
                separated, separatedSet, gap);
    }

    /**
     * Row norms log-uniform in [lo, hi], 0 &lt; lo ≤ hi.
     *
     * @param lo the smallest Euclidean norm of a row, positive
     * @param hi the largest, finite and at least {@code lo}
     * @return a generator with that range
     */
    public Embeddings norms(double lo, double hi) {
        if (!(lo > 0) || !(hi >= lo) || Double.isInfinite(hi)) {
            throw new IllegalArgumentException("norms: need 0 < lo ≤ hi, finite, got " + lo + ", " + hi);
        }
        return new Embeddings(minRows, maxRows, minWidth, maxWidth, lo, hi, viewNoise, duplicateNoise, belowEps,
                separated, separatedSet, gap);
    }

    /**
     * Unit rows (for a loss told its rows are normalised already).
     *
     * @return a generator of rows of norm 1
     */
    public Embeddings unitRows() {
        return norms(1, 1);
    }

    /**
     * The second view a near-duplicate of the first: z2 = z1 + Gaussian noise of {@code noise} per
     * entry relative to the row's norm (before z2's own norm is set), so positives are the most
     * similar pairs.
     *
     * @param noise the noise's standard deviation per entry, relative to the row's norm; finite, ≥ 0
     * @return a generator of near-duplicate views
     */
    public Embeddings nearDuplicateViews(double noise) {
        return new Embeddings(minRows, maxRows, minWidth, maxWidth, minNorm, maxNorm, requireNoise(noise),
                duplicateNoise, belowEps, separated, separatedSet, gap);
    }

    /**
     * Row 1 of each view a near-duplicate of row 0 (noise {@code noise} relative to the norm), so every
     * other anchor sees two candidates within ~noise of each other: near-ties in its ranking, at the
     * top-K boundary too when K falls there. Needs N ≥ 2.
     *
     * @param noise the noise's standard deviation per entry, relative to the row's norm; finite, ≥ 0
     * @return a generator whose rows 0 and 1 nearly tie
     */
    public Embeddings nearDuplicateRows(double noise) {
        return new Embeddings(Math.max(2, minRows), Math.max(2, maxRows), minWidth, maxWidth, minNorm, maxNorm,
                viewNoise, requireNoise(noise), belowEps, separated, separatedSet, gap);
    }

    /**
     * About a third of the rows below eps (a third of those exactly zero, the others with norms in
     * [0.1, 0.8]·eps), the others with norms in [1.2, 5]·eps, never near the kink at ‖z‖ = eps: for
     * losses normalising as {@code max(‖z‖, eps)}, which allow zero rows.
     *
     * @param eps the loss's eps, positive and finite
     * @return a generator of rows on both sides of eps
     */
    public Embeddings belowEps(float eps) {
        if (!(eps > 0) || Float.isInfinite(eps)) {
            throw new IllegalArgumentException("belowEps: eps must be positive and finite, got " + eps);
        }
        return new Embeddings(minRows, maxRows, minWidth, maxWidth, minNorm, maxNorm, viewNoise, duplicateNoise, eps,
                separated, separatedSet, gap);
    }

    /**
     * Only batches in which, for every anchor of the 2N, the cosine similarities of its candidate
     * negatives under {@code set} on either side of {@code selection}'s rank boundary differ by at
     * least {@code gap}: a selecting loss is then differentiable within steps of about gap / 4
     * (redraws until so, up to 10,000 times).
     *
     * @param selection the loss's selection of hard negatives (top-K or quantile)
     * @param set which candidates count as negatives
     * @param gap the least difference in cosine similarity across the boundary, finite and ≥ 0
     * @return a generator of batches separated at that boundary
     */
    public Embeddings separatedAt(Selection selection, NegativeSet set, double gap) {
        if (!(gap >= 0) || Double.isInfinite(gap)) {
            throw new IllegalArgumentException("separatedAt: the gap must be finite and ≥ 0, got " + gap);
        }
        return new Embeddings(minRows, maxRows, minWidth, maxWidth, minNorm, maxNorm, viewNoise, duplicateNoise,
                belowEps, java.util.Objects.requireNonNull(selection, "selection"),
                java.util.Objects.requireNonNull(set, "set"), gap);
    }

    /**
     * Draws a batch.
     *
     * @param g the trial's seeded source
     * @return the two views, N and d drawn from the ranges
     */
    public Views draw(Gen g) {
        int n = g.size(minRows, maxRows - minRows), d = g.size(minWidth, maxWidth - minWidth);
        return draw(g, n, d);
    }

    /**
     * Draws a batch of the given shape.
     *
     * @param g the trial's seeded source
     * @param n the rows of each view
     * @param d the width of a row
     * @return the two views, [n, d] each
     * @throws IllegalStateException when {@link #separatedAt} rejected 10,000 draws in a row
     */
    public Views draw(Gen g, int n, int d) {
        for (int attempt = 0; attempt < MAX_DRAWS; attempt++) {
            Tensor z1 = g.normal(n, d, 1);
            Tensor z2 = Double.isNaN(viewNoise) ? g.normal(n, d, 1) : perturbed(g, z1, viewNoise);
            for (Tensor z : new Tensor[] {z1, z2}) {
                if (!Double.isNaN(duplicateNoise) && n >= 2) {
                    z.rows(1, 2).copyFrom(perturbed(g, z.rows(0, 1), duplicateNoise));
                }
                setNorms(g, z);
            }
            if (separated == null || isSeparated(z1, z2)) {
                return new Views(z1, z2);
            }
        }
        throw new IllegalStateException("Embeddings.separatedAt(" + separated + ", gap " + gap + "): no batch of N="
                + n + ", d=" + d + " in " + MAX_DRAWS + " draws; lower the gap or widen d");
    }

    /**
     * A temperature log-uniform over [0.02, 50]: the extremes where the relative penalties turn
     * one-hot (τ → 0) or uniform (τ → ∞), and everything between.
     *
     * @param g the trial's seeded source
     * @return a temperature τ in [0.02, 50]
     */
    public static double temperature(Gen g) {
        return g.logUniform(0.02, 50);
    }

    private static double requireNoise(double noise) {
        if (!(noise >= 0) || Double.isInfinite(noise)) {
            throw new IllegalArgumentException("the noise must be finite and ≥ 0, got " + noise);
        }
        return noise;
    }

    private static Tensor perturbed(Gen g, Tensor z, double noise) {
        Tensor out = g.normal(z.dim(0), z.dim(1), 1);
        for (int i = 0; i < z.dim(0); i++) {
            double norm = norm(z, i);
            for (int j = 0; j < z.dim(1); j++) {
                out.set(i, j, (float) (z.get(i, j) + noise * norm * out.get(i, j)));
            }
        }
        return out;
    }

    private void setNorms(Gen g, Tensor z) {
        for (int i = 0; i < z.dim(0); i++) {
            double target;
            if (!Float.isNaN(belowEps)) {
                int kind = g.intIn(0, 8);
                target = kind == 0 ? 0 : belowEps * (kind < 3 ? g.doubleIn(0.1, 0.8) : g.doubleIn(1.2, 5));
            } else {
                target = minNorm == maxNorm ? minNorm : g.logUniform(minNorm, maxNorm);
            }
            double norm = norm(z, i);
            for (int j = 0; j < z.dim(1); j++) {
                z.set(i, j, (float) (z.get(i, j) * target / norm));
            }
        }
    }

    private boolean isSeparated(Tensor z1, Tensor z2) {
        int n = z1.dim(0);
        double[][] s = Similarities.cosine(z1, z2);
        for (int a = 0; a < 2 * n; a++) {
            double[] candidates = Similarities.negatives(s, a, n, separatedSet);
            int m = candidates.length;
            int r = separated.rank(m);
            if (r >= m) {
                continue;
            }
            Arrays.sort(candidates);
            // candidates ascending: the r-th largest is at m − r, the next below at m − r − 1
            if (candidates[m - r] - candidates[m - r - 1] < gap) {
                return false;
            }
        }
        return true;
    }

    private static double norm(Tensor z, int i) {
        double s = 0;
        for (int j = 0; j < z.dim(1); j++) {
            s += (double) z.get(i, j) * z.get(i, j);
        }
        return Math.sqrt(s);
    }
}
