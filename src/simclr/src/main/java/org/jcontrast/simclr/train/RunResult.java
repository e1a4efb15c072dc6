package org.jcontrast.simclr.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jcontrast.simclr.data.Dataset;
import org.jcontrast.simclr.eval.FrozenEval;
import org.jcontrast.simclr.train.SimClrModel;

/**
 * What a run achieved, measured on its held-out part with the network frozen: the linear probe
 * and kNN on the representations ({@link Evaluation}), and the embedding's metrics
 * ({@link HeldOutMetrics}).
 * <p>Immutable and thread-safe.
 *
 * @param config       the run's configuration
 * @param frozen       linear probe and kNN accuracies
 * @param metrics      uniformity, tolerance, alignment and the per-anchor statistics
 * @param finalLoss    the mean loss of the last completed epoch
 * @param epochsDone   epochs completed
 * @param steps        optimiser steps taken
 * @param trainSeconds wall time spent training
 */
public record RunResult(TrainConfig config, FrozenEval.Result frozen, HeldOutMetrics metrics, double finalLoss,
                        int epochsDone, long steps, double trainSeconds) {

    /**
     * Evaluates the network of {@code trainer} on {@code split}.
     *
     * @param trainer the finished (or stopped) trainer
     * @param split the data it trained on and the held-out part
     * @param trainSeconds the training time, in seconds
     * @return the evaluation
     */
    public static RunResult evaluate(Trainer trainer, Dataset.Split split, double trainSeconds) {
        SimClrModel model = trainer.model();
        return new RunResult(trainer.config(), Evaluation.frozen(model, split),
                HeldOutMetrics.measure(model, split.eval(), trainer.config()), trainer.recentLoss(),
                trainer.epochsDone(), trainer.steps(), trainSeconds);
    }

    /**
     * The numbers as an ordered map for {@code summary.json}: accuracies, metrics (with the means
     * of the per-anchor statistics), time, loss, and the configuration's loss, τ and batch size.
     *
     * @return the numbers as an ordered map for {@code summary.json}: accuracies, metrics (with the means of the
     *     per-anchor statistics), time, loss, and the configuration's loss, τ and batch size
     */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("linear_probe_accuracy", frozen.linearProbe());
        m.put("knn_accuracy", frozen.knn());
        m.put("linear_probe_train_accuracy", frozen.linearProbeTrain());
        m.put("linear_probe_iterations", frozen.probeIterations());
        m.put("uniformity", metrics.uniformity());
        m.put("tolerance", metrics.tolerance());
        m.put("alignment", metrics.alignment());
        m.put("positive_similarity_mean", metrics.pairs().positiveMoments().mean());
        m.put("top10_negative_similarity_mean", metrics.pairs().topNegativeMoments().mean());
        m.put("npc_multiplier_mean", metrics.npc().mean());
        m.put("npc_multiplier_cv", metrics.npc().cv());
        m.put("infonce_bound", metrics.infoNceBound());
        m.put("metrics_temperature", metrics.pairs().temperature());
        m.put("seconds", trainSeconds);
        m.put("loss", finalLoss);
        m.put("loss_name", config.loss().kind().cliName());
        m.put("temperature", config.loss().kind().usesTemperature() ? config.loss().temperature() : Double.NaN);
        m.put("batch_size", config.batchSize());
        m.put("view_strength", config.viewStrength());
        m.put("epochs_done", epochsDone);
        m.put("steps", steps);
        return m;
    }
}
