package org.jcontrast.testkit;

import org.jcontrast.loss.BatchInputs;
import org.jcontrast.loss.Loss;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossSpec;
import org.jcontrast.loss.Losses;
import org.jcontrast.loss.MemoryBank;
import org.jcontrast.loss.NegativeSet;
import org.jcontrast.loss.Normalize;
import org.jcontrast.loss.Selection;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Every built-in loss, with random options, passes the kit's gradient check against central
 * differences of itself (no float64 twin: as a user would run it) on the kit's generators, and the
 * symmetries that hold for it (batch permutation; view swap but for InfoNCE): 25 trials a loss,
 * 225 in all.
 */
class BuiltInLossesTest {
    private static final int TRIALS = 25;
    /** Two float32 computations of the same gradients, in other orders: at one scale for both views, at least 0.1. */
    private static final Tolerance PAIRS = new Tolerance(2e-4, 1, 0.1);

    /** A random spec of {@code kind}, its batch inputs, and views drawn for it. */
    record Case(LossSpec spec, BatchInputs batch, Embeddings.Views views) {
    }

    static Case draw(Gen g, LossKind kind) {
        LossSpec.Builder b = LossSpec.builder(kind);
        if (kind.usesTemperature()) {
            b.temperature(g.logUniform(0.05, 5));
        }
        Embeddings embeddings = Embeddings.views().rows(kind == LossKind.INFONCE ? 1 : 2, 6).width(2, 4);
        // Unit rows given as such are not checked here: a moved entry is no longer unit, and the loss refuses it.
        if (g.bool()) {
            float eps = (float) g.doubleIn(0.3, 0.6);
            b.normalize(Normalize.likePyTorch(eps));
            embeddings = embeddings.belowEps(eps);
        }
        NegativeSet set = g.bool() ? NegativeSet.ALL : NegativeSet.CROSS;
        switch (kind) {
            case HARD, HARDSIMPLE -> {
                Selection sel = g.bool() ? Selection.topK(g.intIn(1, 8)) : Selection.quantile(g.doubleIn(0.05, 1));
                b.selection(sel).negatives(set);
                embeddings = embeddings.separatedAt(sel, set, 0.05);
                if (kind == LossKind.HARDSIMPLE && g.bool()) {
                    b.lambda(g.doubleIn(0, 2));
                }
            }
            case SIMPLE -> b.negatives(set).lambda(g.bool() ? g.doubleIn(0, 2) : Double.NaN);
            // Without the weight's gradient DCLW's backward detaches the weight on purpose: not ∂L, so not checked.
            case DCLW -> b.sigma(g.doubleIn(0.1, 1.5)).weightGradient(true).clampWeight(g.bool());
            case INFONCE -> b.symmetric(g.bool());
            case SUPCON -> b.rescale(g.bool());
            default -> {
                // no other options
            }
        }
        LossSpec spec = b.build();
        Embeddings.Views v = embeddings.draw(g);
        BatchInputs batch = BatchInputs.none();
        if (kind == LossKind.INFONCE) {
            MemoryBank bank = new MemoryBank(g.intIn(1, 6), v.d());
            bank.enqueue(g.normal(bank.capacity(), v.d(), 1));
            batch = BatchInputs.bank(bank);
        } else if (kind == LossKind.SUPCON) {
            int[] labels = new int[v.n()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = g.intIn(0, v.n() / 2);
            }
            labels[v.n() - 1] = labels[0];
            batch = BatchInputs.labels(labels);
        }
        return new Case(spec, batch, v);
    }

    @Test
    void everyBuiltInLossPassesTheGradientCheckAndItsSymmetries() {
        for (LossKind kind : LossKind.values()) {
            Property.forAll("gradcheck " + kind.cliName(), TRIALS, g -> {
                Case c = draw(g, kind);
                Loss loss = Losses.create(c.spec());
                Tensor z1 = c.views().z1(), z2 = c.views().z2();
                GradCheck.of(loss, c.batch()).seed(g.seed()).check(z1, z2).orThrow();
                Identities.permutationInvariance(loss, c.batch(), z1, z2, g.permutation(c.views().n()), PAIRS);
                // InfoNCE's views play different parts (queries against keys and the bank).
                if (kind != LossKind.INFONCE) {
                    Identities.viewSwapSymmetry(loss, c.batch(), z1, z2, PAIRS);
                }
            });
        }
    }
}
