package org.jcontrast.internal.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.MemoryBank;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The per-anchor unit used the way a streaming engine will use it (entries observed tile by tile
 * in any cut, the selection taken from a ranking of (value, index) pairs, ∂L/∂s entry by entry)
 * gives what the materialised row kernel gives; and the helpers the kernels use.
 */
class AnchorRuleTest {

    @Test
    void perEntryUseMatchesTheRowKernelForEveryOneTowerLoss() {
        SplittableRandom r = new SplittableRandom(5);
        for (LossOptions spec : FusedLossesTest.specs()) {
            if (spec.kind() == LossKind.CLIP) {
                continue;
            }
            for (int n : new int[] {2, 3, 7}) {
                Tensor f = Ops.normalizeRows(Tensor.randn(r, 2 * n, 3), 1e-12f);
                Tensor s = Ops.gram(f);
                float[] pairs = new float[n];
                for (int i = 0; i < n; i++) {
                    pairs[i] = s.get(i, i + n);
                }
                AnchorRule rule = AnchorRule.of(spec, n, 0, pairs);
                compareWithRowKernel(rule, s, r, spec + " N=" + n);
            }
        }
    }

    @Test
    void perEntryUseMatchesTheRowKernelForSupConClipAndInfoNce() {
        SplittableRandom r = new SplittableRandom(6);
        int n = 5;
        LossOptions supcon = LossOptions.of(LossKind.SUPCON).withLabels(new int[] {3, 1, 3, 3, 0});
        compareWithRowKernel(AnchorRule.of(supcon, n, 0, null), Ops.gram(Tensor.randn(r, 2 * n, 4)), r, "supcon");
        AnchorRule clip = AnchorRule.of(LossOptions.of(LossKind.CLIP), n, 0, null);
        compareWithRowKernel(clip, Tensor.uniform(r, -1, 1, 2 * n, n), r, "clip");
        MemoryBank bank = MemoryBank.randomUnit(6, 2, 1);
        for (boolean sym : new boolean[] {false, true}) {
            LossOptions spec = LossOptions.of(LossKind.INFONCE).withBank(bank).withSymmetric(sym);
            AnchorRule info = AnchorRule.of(spec, n, 6, null);
            compareWithRowKernel(info, Tensor.uniform(r, -1, 1, info.anchors(), 7), r, "infonce " + sym);
        }
    }

    @Test
    void runsInAnyCutGiveWhatTheWholeRowGives() {
        SplittableRandom r = new SplittableRandom(7);
        int n = 6;
        List<AnchorRule> rules = new ArrayList<>();
        Tensor f = Ops.normalizeRows(Tensor.randn(r, 2 * n, 3), 1e-12f);
        Tensor s = Ops.gram(f);
        float[] pairs = new float[n];
        for (int i = 0; i < n; i++) {
            pairs[i] = s.get(i, i + n);
        }
        for (LossOptions spec : FusedLossesTest.specs()) {
            if (spec.kind() != LossKind.CLIP) {
                rules.add(AnchorRule.of(spec, n, 0, pairs));
            }
        }
        rules.add(AnchorRule.of(LossOptions.of(LossKind.SUPCON).withLabels(new int[] {2, 0, 2, 1, 2, 0}), n, 0, null));
        for (AnchorRule rule : rules) {
            Tensor kernel = s.copy();
            double loss = AnchorRows.apply(rule, kernel);
            double total = 0;
            AnchorStats st = new AnchorStats();
            float[] scratch = new float[4 * n];
            for (int a = 0; a < rule.anchors(); a++) {
                rule.begin(a, st);
                if (rule.selects()) {
                    HardSelection.select(rule, a, s.array(), a * 2 * n, st, scratch);
                }
                List<int[]> runs = randomCut(r, 2 * n);
                for (int[] run : runs) {
                    float[] x = copyRun(s, a, run);
                    rule.observeRun(a, run[0], run[1], x, 1, st);
                }
                rule.finish(st);
                total += st.loss();
                for (int[] run : randomCut(r, 2 * n)) {
                    float[] x = copyRun(s, a, run);
                    rule.gradientRun(a, run[0], run[1], x, 1, st);
                    for (int b = run[0]; b < run[1]; b++) {
                        assertEquals(kernel.get(a, b), x[1 + b - run[0]], 1e-6f * Math.max(1, Math.abs(kernel.get(a, b))),
                                rule.options() + ": ∂L/∂s at (" + a + ", " + b + ")");
                    }
                }
            }
            assertEquals(loss, total, 1e-6 * Math.max(1, Math.abs(loss)), rule.options() + ": loss");
        }
    }

    /** [0, cols) cut into runs of random lengths, in random order. */
    private static List<int[]> randomCut(SplittableRandom r, int cols) {
        List<int[]> runs = new ArrayList<>();
        for (int b0 = 0; b0 < cols; ) {
            int b1 = Math.min(cols, b0 + 1 + r.nextInt(5));
            runs.add(new int[] {b0, b1});
            b0 = b1;
        }
        java.util.Collections.shuffle(runs, new java.util.Random(r.nextLong()));
        return runs;
    }

    /** Row a's columns [run) copied to a fresh array from offset 1, with guards around it. */
    private static float[] copyRun(Tensor s, int a, int[] run) {
        float[] x = new float[run[1] - run[0] + 2];
        x[0] = Float.NaN;
        x[x.length - 1] = Float.NaN;
        for (int b = run[0]; b < run[1]; b++) {
            x[1 + b - run[0]] = s.get(a, b);
        }
        return x;
    }

    @Test
    void dclwNeedsThePairSimilarities() {
        assertThrows(IllegalArgumentException.class, () -> AnchorRule.of(LossOptions.of(LossKind.DCLW), 3, 0, null));
    }

    @Test
    void kthLargestAgreesWithSortingIncludingTies() {
        SplittableRandom r = new SplittableRandom(9);
        for (int trial = 0; trial < 300; trial++) {
            int len = 1 + r.nextInt(60);
            float[] v = new float[len];
            int distinct = 1 + r.nextInt(len + 1);
            for (int i = 0; i < len; i++) {
                v[i] = r.nextInt(distinct) - distinct / 2f;
            }
            float[] sorted = v.clone();
            Arrays.sort(sorted);
            int k = 1 + r.nextInt(len);
            assertEquals(sorted[len - k], HardSelection.kthLargest(v.clone(), 0, len, k), "len " + len + " k " + k);
        }
    }

    @Test
    void symmetrizeAndAddTransposed() {
        SplittableRandom r = new SplittableRandom(10);
        for (int n : new int[] {1, 5, 70, 300}) {
            Tensor g = Tensor.randn(r, n, n), h = Tensor.randn(r, n, n);
            Tensor sym = g.copy();
            Transposes.symmetrize(sym);
            Tensor sum = g.copy();
            Transposes.addTransposed(sum, h);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(g.get(i, j) + g.get(j, i), sym.get(i, j), 0f, "symmetrize " + i + "," + j);
                    assertEquals(g.get(i, j) + h.get(j, i), sum.get(i, j), 0f, "addTransposed " + i + "," + j);
                }
            }
        }
    }

    /** The row kernel on a copy of {@code rows}, against a tile-by-tile, entry-by-entry use of the rule. */
    private static void compareWithRowKernel(AnchorRule rule, Tensor rows, SplittableRandom r, String what) {
        Tensor kernel = rows.copy();
        double loss = AnchorRows.apply(rule, kernel);
        int cols = rule.columns();
        double total = 0;
        AnchorStats st = new AnchorStats();
        for (int a = 0; a < rule.anchors(); a++) {
            rule.begin(a, st);
            if (rule.selects()) {
                selectByRanking(rule, a, rows, st);
            }
            // Observe in tiles of random widths, each merged into the partition on its own.
            for (int c0 = 0; c0 < cols; ) {
                int c1 = Math.min(cols, c0 + 1 + r.nextInt(4));
                double max = Double.NEGATIVE_INFINITY;
                List<Double> logits = new ArrayList<>();
                for (int b = c0; b < c1; b++) {
                    float s = rows.get(a, b);
                    if ((rule.observe(a, b, s, st) & AnchorRule.SUMMED) != 0 && !rule.linear()) {
                        logits.add(rule.beta() * s);
                        max = Math.max(max, rule.beta() * s);
                    }
                }
                double sum = 0;
                for (double x : logits) {
                    sum += Math.exp(x - max);
                }
                st.addPartition(max, sum);
                c0 = c1;
            }
            rule.finish(st);
            total += st.loss();
            for (int b = 0; b < cols; b++) {
                double g = rule.gradient(a, b, rows.get(a, b), st);
                assertEquals(g, kernel.get(a, b), 1e-6 * Math.max(1, Math.abs(g)),
                        what + ": ∂L/∂s at (" + a + ", " + b + ")");
            }
        }
        assertEquals(total, loss, 1e-6 * Math.max(1, Math.abs(total)), what + ": loss");
    }

    /** The selection as a bounded heap would find it: rank candidates by (larger s, lower index). */
    private static void selectByRanking(AnchorRule rule, int a, Tensor rows, AnchorStats st) {
        List<Integer> cand = new ArrayList<>();
        for (int b = 0; b < rule.columns(); b++) {
            if (rule.role(a, b) == AnchorRule.NEGATIVE) {
                cand.add(b);
            }
        }
        cand.sort(Comparator.<Integer>comparingDouble(b -> -rows.get(a, b)).thenComparingInt(b -> b));
        int r = rule.selectionRank();
        int last = cand.get(r - 1);
        st.select(rows.get(a, last), rule.options().topK() > 0 ? last : Integer.MAX_VALUE);
    }
}
