package org.jcontrast.simclr.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jcontrast.io.Checkpoint;
import org.jcontrast.io.FormatException;
import org.jcontrast.loss.Loss;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossSpec;
import org.jcontrast.loss.Losses;
import org.jcontrast.optim.LearningRateSchedule;
import org.jcontrast.simclr.augment.ViewPipeline;
import org.jcontrast.simclr.data.BatchOrder;
import org.jcontrast.simclr.data.Dataset;
import org.jcontrast.simclr.train.SimClrModel;
import org.jcontrast.tensor.Tensor;

/**
 * SimCLR's training loop. Each step takes a batch of images in the epoch's seeded order, makes
 * two augmented views of each, embeds both views in one pass through encoder and head, computes
 * the loss and its gradients with respect to the two embeddings, back-propagates them through
 * the network and takes an optimiser step on the warm-up-cosine schedule.
 *
 * <p>The loss is injected as a factory from {@link LossSpec} to {@link Loss}, so the loop does not
 * know how the loss is computed. Everything random derives from the configuration's seed and the
 * step's coordinates, so a run is reproducible for a given thread count, and a run resumed from
 * a {@link #checkpoint()} continues exactly as if it had never stopped.
 */
public final class Trainer {
    /** How the command line turns a loss spec into a loss: materialised for small batches, streamed for large ones. */
    public static final Function<LossSpec, Loss> DEFAULT_LOSSES = Losses::create;
    private final TrainConfig config;
    private final Dataset data;
    private final SimClrStep simclr;
    private final BatchOrder order;
    private final ViewPipeline views;
    private final Tensor batch;
    /** Each step's loss, rounded to float32 as the checkpoint keeps it, so a resumed run has the same history. */
    private final List<Double> losses = new ArrayList<>();
    private long steps;

    /**
     * A fresh run: initial weights from the seed, no step taken.
     *
     * @param config the run
     * @param data   the training images (labels are used only by SupCon)
     * @param losses how a loss spec becomes a loss
     */
    public Trainer(TrainConfig config, Dataset data, Function<LossSpec, Loss> losses) {
        check(config, data.size());
        this.config = config;
        this.data = data;
        this.order = new BatchOrder(data.size(), config.batchSize(), true, config.seed());
        long total = (long) config.epochs() * order.batchesPerEpoch();
        long warmup = Math.round(config.warmupEpochs() * order.batchesPerEpoch());
        this.simclr = new SimClrStep(config, data.pixels(), losses,
                LearningRateSchedule.warmupCosine(config.learningRate(), warmup, total, 0));
        this.views = ViewPipeline.ofStrength(config.viewStrength());
        int n = config.batchSize();
        this.batch = Tensor.zeros(2 * n, data.pixels());
    }

    /**
     * Throws when {@code config} cannot train on {@code images} training images, so that a caller
     * can check every run before starting any.
     *
     * @param config the run's configuration
     * @param images how many training images there are
     * @throws IllegalArgumentException naming {@code --batch-size} when a batch would exceed the images
     */
    public static void check(TrainConfig config, int images) {
        if (config.batchSize() > images) {
            throw new IllegalArgumentException("--batch-size " + config.batchSize() + " is larger than the "
                    + images + " training images");
        }
    }

    /**
     * The configuration.
     *
     * @return the configuration
     */
    public TrainConfig config() {
        return config;
    }

    /**
     * The network being trained.
     *
     * @return the network being trained
     */
    public SimClrModel model() {
        return simclr.model();
    }

    /**
     * Steps per epoch (the incomplete last batch is dropped).
     *
     * @return steps per epoch (the incomplete last batch is dropped)
     */
    public int stepsPerEpoch() {
        return order.batchesPerEpoch();
    }

    /**
     * Optimiser steps taken so far.
     *
     * @return optimiser steps taken so far
     */
    public long steps() {
        return steps;
    }

    /**
     * Epochs completed so far.
     *
     * @return epochs completed so far
     */
    public int epochsDone() {
        return (int) (steps / stepsPerEpoch());
    }

    /**
     * True when every epoch of the configuration is done.
     *
     * @return true when every epoch of the configuration is done
     */
    public boolean finished() {
        return epochsDone() >= config.epochs();
    }

    /**
     * The loss of every step taken so far, in order.
     *
     * @return the loss of every step taken so far, in order
     */
    public List<Double> lossHistory() {
        return List.copyOf(losses);
    }

    /**
     * The mean loss of the last completed epoch (or of the steps of the current one, if none is complete).
     *
     * @return the mean loss of the last completed epoch (or of the steps of the current one, if none is complete)
     */
    public double recentLoss() {
        int per = stepsPerEpoch();
        int done = losses.size();
        int from = done >= per ? (done / per - 1) * per : 0;
        int to = done >= per ? from + per : done;
        double s = 0;
        for (int i = from; i < to; i++) {
            s += losses.get(i);
        }
        return to > from ? s / (to - from) : Double.NaN;
    }

    /**
     * Trains until every epoch is done or {@code stop} answers true after a step; returns normally
     * in both cases (see {@link #finished()}).
     *
     * @param listener told of each step and epoch
     * @param stop asked after each step; true stops the run
     */
    public void run(TrainListener listener, BooleanSupplier stop) {
        int per = stepsPerEpoch();
        while (!finished()) {
            int epoch = epochsDone();
            int[][] batches = order.epoch(epoch);
            for (int s = (int) (steps % per); s < per; s++) {
                double value = trainOn(epoch, batches[s]);
                listener.onStep(epoch, s, value, batches[s].length);
                if (s == per - 1) {
                    listener.onEpoch(epoch, recentLoss());
                }
                if (stop.getAsBoolean()) {
                    return;
                }
            }
        }
    }

    /**
     * One optimiser step on the images {@code indices}; returns the loss.
     *
     * @throws TrainingDivergedException when the step met a non-finite value
     */
    private double trainOn(int epoch, int[] indices) {
        int n = indices.length;
        views.views(data, indices, config.seed(), epoch, batch.rows(0, n), batch.rows(n, 2 * n));
        double value;
        try {
            value = simclr.run(batch, data.labelsAt(indices));
        } catch (SimClrStep.NonFiniteStepException e) {
            throw new TrainingDivergedException(epoch + 1, (int) (steps % stepsPerEpoch()) + 1,
                    losses.isEmpty() ? Double.NaN : losses.get(losses.size() - 1), e.getMessage());
        }
        steps++;
        losses.add((double) (float) value);
        return value;
    }

    /**
     * The run's state as a checkpoint (format in {@code docs/checkpoint-format.md}): the metadata
     * {@code epoch}, {@code step}, {@code seed} and {@code config} (as JSON), and the tensors of
     * the model, the loss, the optimiser and the loss history.
     *
     * @return the run's state as a checkpoint (format in {@code docs/checkpoint-format.md}): the metadata {@code
     *     epoch}, {@code step}, {@code seed} and {@code config} (as JSON), and the tensors of the model, the loss, the
     *     optimiser and the loss history
     */
    public Checkpoint checkpoint() {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("epoch", Long.toString(epochsDone()));
        meta.put("step", Long.toString(steps));
        meta.put("seed", Long.toString(config.seed()));
        meta.put("config", FlatJson.write(config.toMap()));
        Map<String, Tensor> tensors = new LinkedHashMap<>(simclr.liveState());
        tensors.putAll(simclr.queueState());
        float[] history = new float[losses.size()];
        for (int i = 0; i < history.length; i++) {
            history[i] = losses.get(i).floatValue();
        }
        tensors.put("history.loss", Tensor.wrap(history, history.length));
        return new Checkpoint(meta, tensors);
    }

    /**
     * {@link #checkpoint()} with copies of the tensors, so that it keeps this moment's state while
     * training goes on: the last good state to save should the run diverge later.
     *
     * @return a checkpoint that does not share the live tensors
     */
    public Checkpoint snapshot() {
        Checkpoint live = checkpoint();
        Map<String, Tensor> copies = new LinkedHashMap<>();
        live.tensors().forEach((name, t) -> copies.put(name, t.copy()));
        return new Checkpoint(live.metadata(), copies);
    }

    /**
     * The configuration saved in a checkpoint; a value that is malformed, out of range or describes
     * a layer larger than all the checkpoint's tensors is a {@link FormatException} naming the
     * file, the metadata entry and the key (never a command-line option the user did not pass).
     *
     * @param c the checkpoint
     * @return its configuration
     * @throws FormatException naming the checkpoint when the entry is missing, malformed or out of range
     */
    public static TrainConfig configOf(Checkpoint c) throws FormatException {
        TrainConfig config;
        try {
            config = TrainConfig.fromMap(FlatJson.read(c.get("config")));
        } catch (TrainConfig.InvalidSetting e) {
            throw configProblem(c, "'" + e.key() + "' " + e.problem());
        } catch (IllegalArgumentException e) {
            throw configProblem(c, e.getMessage());
        }
        long saved = 0;
        for (Tensor t : c.tensors().values()) {
            saved += t.size();
        }
        List<Integer> widths = new ArrayList<>(config.encoderWidths());
        widths.add(config.headWidth());
        widths.add(config.projectionDim());
        long largest = config.loss().kind() == LossKind.INFONCE ? (long) config.bankSize() * config.projectionDim() : 0;
        for (int i = 1; i < widths.size(); i++) {
            largest = Math.max(largest, (long) widths.get(i - 1) * widths.get(i));
        }
        if (widths.stream().anyMatch(w -> w < 1) || largest > saved) {
            throw configProblem(c, "the model " + widths + " does not match the " + saved
                    + " saved values (a layer or the bank would be larger than all of them)");
        }
        return config;
    }

    private static FormatException configProblem(Checkpoint c, String what) {
        return new FormatException(c.source(), "metadata entry 'config': " + what);
    }

    /**
     * Continues the run saved in {@code c}, which must have been made with this configuration:
     * restores the weights, batch-norm statistics, optimiser and loss state, the step count and
     * the loss history.
     *
     * @param c the checkpoint
     * @throws FormatException naming the checkpoint when it does not match this run
     */
    public void restore(Checkpoint c) throws FormatException {
        if (!configOf(c).toMap().equals(config.toMap())) {
            throw new IllegalArgumentException("the checkpoint was made with another configuration: "
                    + c.get("config"));
        }
        String bad = NonFinite.find(c.tensors());
        if (bad != null) {
            throw new IllegalArgumentException("the checkpoint holds " + bad + ": it was saved after the run "
                    + "diverged; resume from an earlier checkpoint or train afresh with a lower --lr");
        }
        long savedSteps = c.getLong("step");
        long totalSteps = (long) config.epochs() * stepsPerEpoch();
        if (savedSteps < 0 || savedSteps > totalSteps) {
            throw new FormatException(c.source(), "metadata entry 'step' is " + savedSteps + ", outside 0.."
                    + totalSteps + " (" + config.epochs() + " epochs of " + stepsPerEpoch() + " steps on this data)");
        }
        long savedEpoch = c.getLong("epoch");
        if (savedEpoch != savedSteps / stepsPerEpoch()) {
            throw new FormatException(c.source(), "metadata entry 'epoch' is " + savedEpoch + " but step "
                    + savedSteps + " falls in epoch " + savedSteps / stepsPerEpoch() + " (" + stepsPerEpoch()
                    + " steps per epoch on this data)");
        }
        Tensor history = c.tensors().get("history.loss");
        if (history == null || history.size() != savedSteps) {
            throw new FormatException(c.source(), "tensor 'history.loss' does not hold one loss per step ("
                    + savedSteps + " steps)");
        }
        Map<String, Tensor> targets = new LinkedHashMap<>(simclr.liveState());
        Map<String, Tensor> queue = new LinkedHashMap<>();
        simclr.queueState().forEach((k, v) -> queue.put(k, Tensor.zeros(v.shape())));
        targets.putAll(queue);
        targets.put("history.loss", Tensor.zeros(history.shape()));
        c.restoreInto(targets);
        simclr.restoreQueue(queue, savedSteps, config.batchSize());
        losses.clear();
        for (float v : history.toArray()) {
            losses.add((double) v);
        }
        steps = savedSteps;
    }
}
