package org.jcontrast.simclr.train;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.loss.Loss;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossResult;
import org.jcontrast.loss.LossSpec;
import org.jcontrast.loss.MemoryBank;
import org.jcontrast.nn.Weight;
import org.jcontrast.simclr.data.Seeds;
import org.jcontrast.tensor.Tensor;

/**
 * The loss of one training step: the run's spec, completed with what some kinds take from the
 * run itself. SupCon gets the batch's labels; InfoNCE a MoCo-style queue of earlier second views
 * (normalised), which each step then joins; CLIP its learned temperature τ = e^(−t), whose
 * logit scale t is trained with the network (starting from log(1/τ) of the spec, capped at
 * ln 100 as in CLIP).
 */
final class StepLoss {
    private static final double MAX_LOGIT_SCALE = Math.log(100);
    private final LossSpec spec;
    private final Function<LossSpec, Loss> losses;
    private final MemoryBank bank;
    private final Weight logitScale;
    private final int bankSize;
    private final int dim;

    /**
     * @param spec     the run's loss
     * @param losses   how a spec becomes a loss (fused kernels, composition, ...)
     * @param bankSize InfoNCE: rows in the queue, filled at first with random unit vectors
     * @param dim      the embeddings' dimension
     * @param seed     the run's seed (the queue's initial rows)
     */
    StepLoss(LossSpec spec, Function<LossSpec, Loss> losses, int bankSize, int dim, long seed) {
        this.spec = spec;
        this.losses = losses;
        this.bankSize = bankSize;
        this.dim = dim;
        this.bank = spec.kind() == LossKind.INFONCE
                ? MemoryBank.randomUnit(bankSize, dim, Seeds.derive(seed, 0xBA4CL)) : null;
        this.logitScale = spec.kind() == LossKind.CLIP
                ? new Weight("loss.logit_scale", Tensor.scalar((float) Math.log(1 / spec.temperature())), false)
                : null;
    }

    /** The loss at (z1, z2) for a batch whose images have {@code labels}. */
    LossResult compute(Tensor z1, Tensor z2, int[] labels) {
        LossSpec s = switch (spec.kind()) {
            case SUPCON -> spec.withLabels(labels);
            case INFONCE -> spec.withBank(bank);
            case CLIP -> spec.withTemperature(Math.exp(-logitScale.value().item()));
            default -> spec;
        };
        LossResult r = losses.apply(s).compute(z1, z2);
        if (bank != null) {
            bank.enqueue(Ops.normalizeRows(z2, spec.eps()));
        }
        if (logitScale != null) {
            logitScale.parameter().grad().set(0, (float) r.gradLogitScale());
        }
        return r;
    }

    /** Called after the optimiser's step: keeps CLIP's logit scale at or below ln 100. */
    void afterStep() {
        if (logitScale != null && logitScale.value().item() > MAX_LOGIT_SCALE) {
            logitScale.value().set(0, (float) MAX_LOGIT_SCALE);
        }
    }

    /** Trained values of the loss itself: CLIP's logit scale, or none. */
    List<Weight> weights() {
        return logitScale == null ? List.of() : List.of(logitScale);
    }

    /** The queue's rows for a checkpoint (InfoNCE), or nothing. */
    Map<String, Tensor> state() {
        return bank == null ? Map.of() : Map.of("loss.bank", bank.snapshot());
    }

    /**
     * Puts back the queue saved by {@link #state()} after {@code steps} steps of {@code batch}
     * rows: the same rows in the same storage order, with the same next row to overwrite.
     */
    void restore(Map<String, Tensor> saved, long steps, int batch) {
        if (bank == null) {
            return;
        }
        Tensor rows = saved.get("loss.bank");
        if (rows == null || rows.rank() != 2 || rows.dim(0) != bankSize || rows.dim(1) != dim) {
            throw new IllegalArgumentException("the checkpoint's loss.bank does not match a queue of " + bankSize
                    + " rows of " + dim);
        }
        bank.enqueue(rows); // the bank starts full, so this rewrites every row and points back to row 0
        int next = (int) (steps * batch % bankSize);
        if (next > 0) {
            bank.enqueue(rows.rows(0, next)); // the same values again: only the write position moves
        }
    }
}
