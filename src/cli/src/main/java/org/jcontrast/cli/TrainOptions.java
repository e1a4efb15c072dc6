package org.jcontrast.cli;

import java.util.List;
import org.jcontrast.simclr.train.OptimizerKind;
import org.jcontrast.simclr.train.TrainConfig;
import picocli.CommandLine.Option;

/** The options of a training run besides its loss; each left out keeps {@link TrainConfig}'s default. */
final class TrainOptions {
    @Option(names = "--epochs", paramLabel = "E", description = "Passes over the training images (default: 50 for "
            + "train, " + SweepCommand.DEFAULT_EPOCHS + " per run for sweep).")
    Integer epochs;

    @Option(names = "--batch-size", paramLabel = "B", description = "Images per step, two views each (default 512).")
    Integer batchSize;

    @Option(names = "--optimizer", paramLabel = "NAME",
            description = "adamw (default), sgd or lars; each has its own default --lr and --weight-decay.")
    String optimizer;

    @Option(names = "--lr", paramLabel = "LR",
            description = "Peak learning rate after the warm-up, then cosine to 0 (default: adamw 1e-3, sgd 0.5, "
                    + "lars 1.0).")
    Double learningRate;

    @Option(names = "--momentum", paramLabel = "M", description = "Momentum, or AdamW's β₁ (default 0.9).")
    Double momentum;

    @Option(names = "--weight-decay", paramLabel = "WD",
            description = "Decay of the weight matrices (default: adamw 1e-4, sgd 5e-4, lars 1e-6).")
    Double weightDecay;

    @Option(names = "--warmup-epochs", paramLabel = "E", description = "Epochs of linear warm-up (default: a tenth of --epochs).")
    Double warmupEpochs;

    @Option(names = "--view-strength", paramLabel = "S",
            description = "Augmentation strength: 0 identical views, 1 SimCLR-like (default 1).")
    Double viewStrength;

    @Option(names = "--encoder", paramLabel = "W,W", split = ",",
            description = "Hidden widths of the MLP encoder; the last is the representation (default 512,256).")
    List<Integer> encoder;

    @Option(names = "--head-width", paramLabel = "W", description = "Projection head's hidden width (default 256).")
    Integer headWidth;

    @Option(names = "--projection-dim", paramLabel = "D", description = "Embedding dimension (default 128).")
    Integer projectionDim;

    @Option(names = "--no-batch-norm", description = "Leave out batch norm (on by default).")
    boolean noBatchNorm;

    @Option(names = "--bank-size", paramLabel = "R", description = "infonce: rows in the queue of negatives (default 4096).")
    Integer bankSize;

    @Option(names = "--seed", paramLabel = "S", description = "Seed of the weights, batches, views and split (default 42).")
    Long seed;

    /** True when any option was given. */
    boolean anyGiven() {
        return epochs != null || batchSize != null || optimizer != null || learningRate != null || momentum != null
                || weightDecay != null || warmupEpochs != null || viewStrength != null || encoder != null
                || headWidth != null || projectionDim != null || noBatchNorm || bankSize != null || seed != null;
    }

    /** {@code b} with every given option set. */
    TrainConfig.Builder applyTo(TrainConfig.Builder b) {
        if (optimizer != null) {
            b.optimizer(OptimizerKind.fromName(optimizer)); // first: it sets its own default rate and decay
        }
        if (epochs != null) {
            b.epochs(epochs);
        }
        if (batchSize != null) {
            b.batchSize(batchSize);
        }
        if (learningRate != null) {
            b.learningRate(learningRate);
        }
        if (momentum != null) {
            b.momentum(momentum);
        }
        if (weightDecay != null) {
            b.weightDecay(weightDecay);
        }
        if (warmupEpochs != null) {
            b.warmupEpochs(warmupEpochs);
        }
        if (viewStrength != null) {
            b.viewStrength(viewStrength);
        }
        if (encoder != null) {
            b.encoderWidths(encoder);
        }
        if (headWidth != null) {
            b.headWidth(headWidth);
        }
        if (projectionDim != null) {
            b.projectionDim(projectionDim);
        }
        if (noBatchNorm) {
            b.batchNorm(false);
        }
        if (bankSize != null) {
            b.bankSize(bankSize);
        }
        if (seed != null) {
            b.seed(seed);
        }
        return b;
    }
}
