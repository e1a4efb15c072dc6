package org.jcontrast.simclr.train;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jcontrast.autograd.Variable;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.loss.BatchInputs;
import org.jcontrast.loss.Clip;
import org.jcontrast.loss.InfoNce;
import org.jcontrast.loss.Loss;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossResult;
import org.jcontrast.loss.LossSpec;
import org.jcontrast.loss.MemoryBank;
import org.jcontrast.loss.SupCon;
import org.jcontrast.optim.Parameter;
import org.jcontrast.simclr.data.Seeds;
import org.jcontrast.tensor.Tensor;

/**
 * The loss of one training step as one autograd operation: the run's spec, completed with what
 * some kinds take from the run itself. SupCon gets the batch's labels; InfoNCE a MoCo-style queue
 * of earlier second views (normalised), which each step then joins; CLIP its learned temperature
 * τ = e^(−t), whose logit scale t is a parameter trained with the network (starting from log(1/τ)
 * of the spec, capped at ln 100 as in CLIP).
 */
final class StepLoss {
    private static final double MAX_LOGIT_SCALE = Math.log(100);
    private final LossSpec spec;
    private final Function<LossSpec, Loss> losses;
    private final Loss loss;
    private final MemoryBank bank;
    private final Parameter logitScale;
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
        this.loss = losses.apply(spec);
        this.bankSize = bankSize;
        this.dim = dim;
        this.bank = spec.kind() == LossKind.INFONCE
                ? MemoryBank.randomUnit(bankSize, dim, Seeds.derive(seed, 0xBA4CL)) : null;
        this.logitScale = spec instanceof Clip clip
                ? new Parameter("loss.logit_scale", Tensor.scalar((float) Math.log(1 / clip.temperature())), false)
                : null;
    }

    /** The loss at (z1, z2) for a batch whose images have {@code labels}, on the autograd. */
    Variable apply(Variable z1, Variable z2, int[] labels) {
        return switch (spec) {
            case SupCon s -> loss.apply(z1, z2, BatchInputs.labels(labels));
            case InfoNce s -> {
                Variable out = loss.apply(z1, z2, BatchInputs.bank(bank));
                bank.enqueue(Ops.normalizeRows(z2.value(), s.normalize().eps()));
                yield out;
            }
            case Clip s -> clip(z1, z2, s);
            default -> loss.apply(z1, z2);
        };
    }

    /** CLIP at τ = e^(−t), with the logit scale t an input of the operation too. */
    private Variable clip(Variable z1, Variable z2, Clip s) {
        Variable t = logitScale.variable();
        LossResult r = losses.apply(new Clip(Math.exp(-t.value().item()), s.normalize())).compute(z1.value(), z2.value());
        return Variable.fromOp("clip", Tensor.scalar((float) r.loss()), List.of(z1, z2, t),
                List.of(z1.value(), z2.value(), t.value()), g -> new Tensor[] {
                        Ops.scale(r.grad1(), g.item()), Ops.scale(r.grad2(), g.item()),
                        Tensor.scalar((float) (r.gradLogitScale() * g.item()))});
    }

    /** Called after the optimiser's step: keeps CLIP's logit scale at or below ln 100. */
    void afterStep() {
        if (logitScale != null && logitScale.value().item() > MAX_LOGIT_SCALE) {
            logitScale.value().set(0, (float) MAX_LOGIT_SCALE);
        }
    }

    /** Trained values of the loss itself: CLIP's logit scale, or none. */
    List<Parameter> parameters() {
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
