package org.jcontrast.simclr.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossSpec;
import org.jcontrast.loss.NegativeSet;
import org.jcontrast.loss.NtXent;
import org.jcontrast.loss.Selection;
import org.jcontrast.simclr.train.ModelSpec;

/**
 * Everything that determines a training run, given its data: architecture, loss, schedule,
 * optimiser, views and seed. Two runs with the same configuration, data and thread count give
 * the same numbers. {@link #builder()} starts from the defaults of {@code jcontrast train}.
 *
 * @param encoderWidths  hidden widths of the MLP encoder; the last is the representation's size
 * @param headWidth      hidden width of the projection head
 * @param projectionDim  dimension of the embeddings the loss sees
 * @param batchNorm      batch norm after every hidden linear layer
 * @param loss           the loss and its options (SupCon's labels and InfoNCE's bank are added per step)
 * @param bankSize       InfoNCE: rows in the queue of negatives
 * @param epochs         passes over the training data
 * @param batchSize      images per step (each gives two views)
 * @param optimizer      the optimiser
 * @param learningRate   the peak learning rate, reached after the warm-up, then cosine-decayed to 0
 * @param momentum       momentum (SGD, LARS) or β₁ (AdamW)
 * @param weightDecay    weight decay of the weight matrices (never of biases and batch-norm parameters)
 * @param warmupEpochs   epochs of linear warm-up
 * @param viewStrength   strength of the augmentations (0 = identical views, 1 = SimCLR-like)
 * @param seed           the seed of the weights, the batch order and the views
 */
public record TrainConfig(List<Integer> encoderWidths, int headWidth, int projectionDim, boolean batchNorm,
                          LossSpec loss, int bankSize, int epochs, int batchSize, OptimizerKind optimizer,
                          double learningRate, double momentum, double weightDecay, double warmupEpochs,
                          double viewStrength, long seed) {

    /** Checks the ranges. */
    public TrainConfig {
        encoderWidths = List.copyOf(encoderWidths);
        require(epochs >= 1, "epochs", "must be at least 1, got " + epochs);
        require(batchSize >= 2, "batch_size", "must be at least 2 (every image needs a negative), got " + batchSize);
        require(learningRate > 0 && Double.isFinite(learningRate), "lr", "must be a positive number, got "
                + learningRate);
        require(momentum >= 0 && momentum < 1, "momentum", "must be in [0, 1), got " + momentum);
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "weight_decay", "must be ≥ 0, got " + weightDecay);
        require(warmupEpochs >= 0 && warmupEpochs <= epochs, "warmup_epochs", "must be between 0 and the epochs ("
                + epochs + "), got " + warmupEpochs);
        require(viewStrength >= 0 && Double.isFinite(viewStrength), "view_strength", "must be ≥ 0, got "
                + viewStrength);
        require(bankSize >= 1, "bank_size", "must be at least 1, got " + bankSize);
        require(loss.kind() != LossKind.INFONCE || bankSize >= batchSize, "bank_size", "(" + bankSize
                + ") must hold at least one batch (" + batchSize + ")");
    }

    private static void require(boolean ok, String key, String problem) {
        if (!ok) {
            throw new InvalidSetting(key, problem);
        }
    }

    /**
     * A setting out of its range. The message names it as the command-line option ({@code --batch-size});
     * {@link #key()} names it as {@link #toMap()} does, for a configuration read from a file.
     */
    static final class InvalidSetting extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String key;
        private final String problem;

        InvalidSetting(String key, String problem) {
            super("--" + key.replace('_', '-') + " " + problem);
            this.key = key;
            this.problem = problem;
        }

        /** The setting's key in {@link #toMap()}. */
        String key() {
            return key;
        }

        /** What is wrong with it, e.g. "must be at least 1, got 0". */
        String problem() {
            return problem;
        }
    }

    /**
     * The architecture for images of {@code pixels} values.
     *
     * @param pixels values per image
     * @return the architecture for images of {@code pixels} values
     */
    public ModelSpec model(int pixels) {
        return new ModelSpec(pixels, encoderWidths, headWidth, projectionDim, batchNorm);
    }

    /**
     * A builder holding the defaults.
     *
     * @return this builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding this configuration.
     *
     * @return this builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.encoderWidths = encoderWidths;
        b.headWidth = headWidth;
        b.projectionDim = projectionDim;
        b.batchNorm = batchNorm;
        b.loss = loss;
        b.bankSize = bankSize;
        b.epochs = epochs;
        b.batchSize = batchSize;
        b.optimizer = optimizer;
        b.learningRate = learningRate;
        b.momentum = momentum;
        b.weightDecay = weightDecay;
        b.warmupEpochs = warmupEpochs;
        b.viewStrength = viewStrength;
        b.seed = seed;
        return b;
    }

    /**
     * The configuration as an ordered map of plain values (numbers, strings, booleans, lists of
     * integers), the form saved in checkpoints and summaries; {@link #fromMap} reads it back.
     * Loss options are present only when they apply to the loss.
     *
     * @return the configuration as an ordered map of plain values (numbers, strings, booleans, lists of integers), the
     *     form saved in checkpoints and summaries; {@link #fromMap} reads it back
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("encoder", encoderWidths);
        m.put("head_width", headWidth);
        m.put("projection_dim", projectionDim);
        m.put("batch_norm", batchNorm);
        LossSpec.Builder spec = LossSpec.builder(loss);
        m.put("loss", loss.kind().cliName());
        if (loss.kind().usesTemperature()) {
            m.put("temperature", spec.temperature());
        }
        if (spec.selection() instanceof Selection.TopK top) {
            m.put("top_k", top.k());
        }
        if (spec.selection() instanceof Selection.Quantile q) {
            m.put("quantile", q.alpha());
        }
        if (spec.negatives() != NegativeSet.ALL) {
            m.put("negative_set", spec.negatives().name().toLowerCase(Locale.ROOT));
        }
        if (!Double.isNaN(spec.lambda())) {
            m.put("lambda", spec.lambda());
        }
        if (loss.kind() == LossKind.DCLW) {
            m.put("sigma", spec.sigma());
            m.put("weight_gradient", spec.weightGradient());
            m.put("clamp_weight", spec.clampWeight());
        }
        if (loss.kind() == LossKind.SUPCON) {
            m.put("rescale", spec.rescale());
        }
        if (loss.kind() == LossKind.INFONCE) {
            m.put("symmetric", spec.symmetric());
            m.put("bank_size", bankSize);
        }
        m.put("epochs", epochs);
        m.put("batch_size", batchSize);
        m.put("optimizer", optimizer.cliName());
        m.put("lr", learningRate);
        m.put("momentum", momentum);
        m.put("weight_decay", weightDecay);
        m.put("warmup_epochs", warmupEpochs);
        m.put("view_strength", viewStrength);
        m.put("seed", seed);
        return m;
    }

    /**
     * The configuration {@link #toMap} wrote; a missing or malformed entry is an error naming it.
     *
     * @param m the map {@link #toMap} wrote
     * @return the configuration
     */
    public static TrainConfig fromMap(Map<String, Object> m) {
        Entries e = new Entries(m);
        LossKind kind = LossKind.fromName(e.string("loss"));
        LossSpec.Builder loss = LossSpec.builder(kind);
        if (kind.usesTemperature()) {
            loss.temperature(e.number("temperature"));
        }
        if (m.containsKey("top_k")) {
            loss.selection(Selection.topK(e.int32("top_k")));
        }
        if (m.containsKey("quantile")) {
            loss.selection(Selection.quantile(e.number("quantile")));
        }
        if (m.containsKey("negative_set")) {
            loss.negatives(NegativeSet.valueOf(e.string("negative_set").toUpperCase(Locale.ROOT)));
        }
        if (m.containsKey("lambda")) {
            loss.lambda(e.number("lambda"));
        }
        if (kind == LossKind.DCLW) {
            loss.sigma(e.number("sigma")).weightGradient(e.bool("weight_gradient")).clampWeight(e.bool("clamp_weight"));
        }
        if (kind == LossKind.SUPCON) {
            loss.rescale(e.bool("rescale"));
        }
        Builder b = builder();
        if (kind == LossKind.INFONCE) {
            loss.symmetric(e.bool("symmetric"));
            b.bankSize(e.int32("bank_size"));
        }
        b.loss(loss.build());
        return b.encoderWidths(e.integers("encoder")).headWidth(e.int32("head_width"))
                .projectionDim(e.int32("projection_dim")).batchNorm(e.bool("batch_norm"))
                .epochs(e.int32("epochs")).batchSize(e.int32("batch_size"))
                .optimizer(OptimizerKind.fromName(e.string("optimizer"))).learningRate(e.number("lr"))
                .momentum(e.number("momentum")).weightDecay(e.number("weight_decay"))
                .warmupEpochs(e.number("warmup_epochs")).viewStrength(e.number("view_strength"))
                .seed(e.integer("seed")).build();
    }

    /** Typed reads from a map, failing with the key's name. */
    private record Entries(Map<String, Object> m) {
        Object get(String key) {
            Object v = m.get(key);
            if (v == null) {
                throw new IllegalArgumentException("the configuration has no '" + key + "'");
            }
            return v;
        }

        String string(String key) {
            return get(key).toString();
        }

        double number(String key) {
            if (get(key) instanceof Number n) {
                return n.doubleValue();
            }
            throw new IllegalArgumentException("the configuration's '" + key + "' is not a number: " + get(key));
        }

        long integer(String key) {
            if (get(key) instanceof Long l) {
                return l;
            }
            double d = number(key);
            if (d != Math.rint(d)) {
                throw new IllegalArgumentException("the configuration's '" + key + "' is not an integer: " + d);
            }
            return (long) d;
        }

        int int32(String key) {
            long v = integer(key);
            if (v != (int) v) {
                throw new IllegalArgumentException("the configuration's '" + key + "' is " + v
                        + ", beyond a 32-bit int");
            }
            return (int) v;
        }

        boolean bool(String key) {
            if (get(key) instanceof Boolean b) {
                return b;
            }
            throw new IllegalArgumentException("the configuration's '" + key + "' is not true or false: " + get(key));
        }

        List<Integer> integers(String key) {
            if (!(get(key) instanceof List<?> list)) {
                throw new IllegalArgumentException("the configuration's '" + key + "' is not a list: " + get(key));
            }
            List<Integer> out = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof Long n) || n != n.intValue()) {
                    throw new IllegalArgumentException("the configuration's '" + key + "' holds " + o
                            + ", not an integer");
                }
                out.add(n.intValue());
            }
            return out;
        }
    }

    /** Collects the settings of a {@link TrainConfig}, starting from the defaults. */
    public static final class Builder {
        private List<Integer> encoderWidths = List.of(512, 256);
        private int headWidth = 256;
        private int projectionDim = 128;
        private boolean batchNorm = true;
        private LossSpec loss = new NtXent();
        private int bankSize = 4096;
        private int epochs = 50;
        private int batchSize = 512;
        private OptimizerKind optimizer = OptimizerKind.ADAMW;
        private double learningRate = 1e-3;
        private double momentum = 0.9;
        private double weightDecay = 1e-4;
        private double warmupEpochs = Double.NaN;
        private double viewStrength = 1;
        private long seed = 42;

        private Builder() {
        }

        /**
         * Encoder hidden widths.
         *
         * @param v the widths, the last the representation's
         * @return this builder
         */
        public Builder encoderWidths(List<Integer> v) {
            encoderWidths = v;
            return this;
        }

        /**
         * Projection head hidden width.
         *
         * @param v the width, ≥ 1
         * @return this builder
         */
        public Builder headWidth(int v) {
            headWidth = v;
            return this;
        }

        /**
         * Embedding dimension.
         *
         * @param v the dimension, ≥ 1
         * @return this builder
         */
        public Builder projectionDim(int v) {
            projectionDim = v;
            return this;
        }

        /**
         * Batch norm on or off.
         *
         * @param v true for batch norm
         * @return this builder
         */
        public Builder batchNorm(boolean v) {
            batchNorm = v;
            return this;
        }

        /**
         * The loss.
         *
         * @param v the loss spec
         * @return this builder
         */
        public Builder loss(LossSpec v) {
            loss = v;
            return this;
        }

        /**
         * InfoNCE's queue length.
         *
         * @param v the rows in the queue, ≥ 1
         * @return this builder
         */
        public Builder bankSize(int v) {
            bankSize = v;
            return this;
        }

        /**
         * Epochs.
         *
         * @param v epochs, ≥ 1
         * @return this builder
         */
        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        /**
         * Images per step.
         *
         * @param v images per step, ≥ 2
         * @return this builder
         */
        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        /**
         * The optimiser, with its default learning rate and weight decay (set those after it to change them).
         *
         * @param v the optimiser
         * @return this builder
         */
        public Builder optimizer(OptimizerKind v) {
            optimizer = v;
            learningRate = v.defaultLearningRate();
            weightDecay = v.defaultWeightDecay();
            return this;
        }

        /**
         * Peak learning rate.
         *
         * @param v the peak learning rate, &gt; 0
         * @return this builder
         */
        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        /**
         * Momentum or β₁.
         *
         * @param v momentum or β₁, in [0, 1)
         * @return this builder
         */
        public Builder momentum(double v) {
            momentum = v;
            return this;
        }

        /**
         * Weight decay.
         *
         * @param v the weight decay, ≥ 0
         * @return this builder
         */
        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        /**
         * Warm-up epochs (default: a tenth of the epochs, as SimCLR's 10 of 100).
         *
         * @param v warm-up epochs, in [0, epochs]
         * @return this builder
         */
        public Builder warmupEpochs(double v) {
            warmupEpochs = v;
            return this;
        }

        /**
         * Augmentation strength.
         *
         * @param v the strength, ≥ 0
         * @return this builder
         */
        public Builder viewStrength(double v) {
            viewStrength = v;
            return this;
        }

        /**
         * The seed.
         *
         * @param v the seed
         * @return this builder
         */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /**
         * The configuration; throws with the option's name when a value is out of range.
         *
         * @return the configuration
         */
        public TrainConfig build() {
            double warmup = Double.isNaN(warmupEpochs) ? epochs / 10.0 : warmupEpochs;
            return new TrainConfig(encoderWidths, headWidth, projectionDim, batchNorm, loss, bankSize, epochs,
                    batchSize, optimizer, learningRate, momentum, weightDecay, warmup, viewStrength, seed);
        }
    }
}
