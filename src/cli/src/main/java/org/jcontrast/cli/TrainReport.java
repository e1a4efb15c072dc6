package org.jcontrast.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jcontrast.internal.Context;
import org.jcontrast.metrics.PairMetrics;
import org.jcontrast.simclr.eval.FrozenEval;
import org.jcontrast.simclr.train.Monitor;
import org.jcontrast.simclr.train.RunResult;
import org.jcontrast.simclr.train.Trainer;

/** What {@code jcontrast train} leaves in its run folder: summary.json, report.md and the plots. */
final class TrainReport {
    static final String LOSS_PNG = "loss.png";
    static final String SIMILARITIES_PNG = "similarities.png";
    static final String EMBEDDING_PNG = "embedding.png";

    private TrainReport() {
    }

    /**
     * Writes everything about a finished or stopped run: the plots, report.md, then summary.json
     * last, so a summary on disk means the run's files are complete.
     *
     * @param stopped     why the run stopped early, or null when it finished; ignored when every
     *                    epoch was done (a stop during the final evaluation cut nothing short)
     * @param evalSeconds time spent on the final evaluation
     */
    static void write(RunFolder folder, Trainer trainer, RunResult result, FrozenEval.Result raw,
                      List<Monitor.Point> monitor, String stopped, double evalSeconds) throws IOException {
        String cut = trainer.finished() ? null : stopped;
        List<String> images = progressPlots(folder, trainer, monitor);
        PairMetrics pairs = result.metrics().pairs();
        Map<String, double[]> sims = new LinkedHashMap<>();
        sims.put("positive pairs", pairs.positiveSimilarity());
        sims.put("top-10 negatives", pairs.topNegativeSimilarity().toDoubleArray());
        Plots.histograms(folder.file(SIMILARITIES_PNG), "Held-out cosine similarities (Wang & Liu)",
                "similarity", sims, 50);
        images.add(Math.min(1, images.size()), SIMILARITIES_PNG);
        folder.writeReport(markdown(result, raw, monitor, cut, images));

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("status", cut == null ? "finished" : "stopped");
        summary.putAll(result.summary());
        summary.put("raw_linear_probe_accuracy", raw.linearProbe());
        summary.put("raw_knn_accuracy", raw.knn());
        summary.put("eval_seconds", evalSeconds);
        summary.put("stopped", cut == null ? "finished" : cut);
        summary.put("threads", Context.current().threads());
        summary.put("config", result.config().toMap());
        folder.writeSummary(summary);
    }

    /**
     * Writes what is known of a run that failed: the plots so far, a short report.md, and
     * summary.json with {@code "status": "failed"} and the reason.
     *
     * @param reason     the error, one line
     * @param checkpoint what the folder's checkpoint holds, e.g. "epoch 10 of 50", or null if none was saved
     */
    static void writeFailed(RunFolder folder, Trainer trainer, List<Monitor.Point> monitor, String reason,
                            String checkpoint) throws IOException {
        List<String> images = progressPlots(folder, trainer, monitor);
        MarkdownReport md = new MarkdownReport().heading(1, "jcontrast train: failed");
        md.paragraph("The run failed after " + trainer.steps() + " steps: " + reason + ".");
        md.paragraph(checkpoint == null ? "No checkpoint was saved before the failure."
                : "The checkpoint " + TrainCommand.CHECKPOINT + " holds the last good state, " + checkpoint + ".");
        for (String image : images) {
            md.image(image.replace(".png", ""), image);
        }
        folder.writeReport(md);

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("status", "failed");
        summary.put("reason", reason);
        summary.put("epochs_done", trainer.epochsDone());
        summary.put("steps", trainer.steps());
        summary.put("checkpoint", checkpoint == null ? "none" : checkpoint);
        summary.put("threads", Context.current().threads());
        summary.put("config", trainer.config().toMap());
        folder.writeSummary(summary);
    }

    /** The loss and embedding curves so far, when there is anything to draw; returns the files written. */
    private static List<String> progressPlots(RunFolder folder, Trainer trainer, List<Monitor.Point> monitor)
            throws IOException {
        List<String> images = new ArrayList<>();
        if (!trainer.lossHistory().isEmpty()) {
            lossCurve(folder, trainer);
            images.add(LOSS_PNG);
        }
        if (!monitor.isEmpty()) {
            embeddingCurves(folder, monitor);
            images.add(EMBEDDING_PNG);
        }
        return images;
    }

    private static void lossCurve(RunFolder folder, Trainer trainer) throws IOException {
        List<Double> h = trainer.lossHistory();
        double[] x = new double[h.size()], y = new double[h.size()];
        for (int i = 0; i < y.length; i++) {
            x[i] = i + 1;
            y[i] = h.get(i);
        }
        Plots.lines(folder.file(LOSS_PNG), "Training loss", "step", trainer.config().loss().kind().cliName(),
                List.of(new Plots.Series("loss per step", x, y)), false);
    }

    private static void embeddingCurves(RunFolder folder, List<Monitor.Point> points) throws IOException {
        int n = points.size();
        double[] epoch = new double[n], u = new double[n], t = new double[n], a = new double[n];
        for (int i = 0; i < n; i++) {
            Monitor.Point p = points.get(i);
            epoch[i] = p.epoch();
            u[i] = p.uniformity();
            t[i] = p.tolerance();
            a[i] = p.alignment();
        }
        Plots.lines(folder.file(EMBEDDING_PNG), "Held-out embedding during training", "epoch", "value",
                List.of(new Plots.Series("uniformity (lower: more uniform)", epoch, u),
                        new Plots.Series("tolerance (same-class similarity)", epoch, t),
                        new Plots.Series("alignment (positive distance²)", epoch, a)), false);
    }

    private static MarkdownReport markdown(RunResult r, FrozenEval.Result raw, List<Monitor.Point> monitor,
                                           String stopped, List<String> images) {
        PairMetrics pairs = r.metrics().pairs();
        MarkdownReport md = new MarkdownReport().heading(1, "jcontrast train");
        md.paragraph(String.format(Locale.ROOT, "%d of %d epochs (%d steps) in %.1f s%s.", r.epochsDone(),
                r.config().epochs(), r.steps(), r.trainSeconds(),
                stopped == null ? "" : ", stopped early (" + stopped + ")"));
        md.heading(2, "Frozen evaluation on the held-out part");
        md.table(List.of("features", "linear probe", "kNN (k = 200)"), List.of(
                List.of("encoder representation", r.frozen().linearProbe(), r.frozen().knn()),
                List.of("raw pixels", raw.linearProbe(), raw.knn())));
        md.heading(2, "Embedding metrics (held-out)");
        md.table(List.of("metric", "value"), List.of(
                List.of("uniformity", r.metrics().uniformity()),
                List.of("tolerance", r.metrics().tolerance()),
                List.of("alignment", r.metrics().alignment()),
                List.of("positive similarity, mean", pairs.positiveMoments().mean()),
                List.of("top-10 negative similarity, mean", pairs.topNegativeMoments().mean()),
                List.of("NPC multiplier in training-size batches, mean (τ = " + pairs.temperature() + ")",
                        r.metrics().npc().mean()),
                List.of("NPC multiplier, coefficient of variation", r.metrics().npc().cv()),
                List.of("InfoNCE bound in training-size batches", r.metrics().infoNceBound()),
                List.of("final training loss", r.finalLoss())));
        if (!monitor.isEmpty()) {
            md.heading(2, "During training");
            List<List<?>> rows = new ArrayList<>();
            for (Monitor.Point p : monitor) {
                rows.add(List.of(p.epoch(), p.knn(), p.uniformity(), p.tolerance(), p.alignment()));
            }
            md.table(List.of("epoch", "kNN", "uniformity", "tolerance", "alignment"), rows);
        }
        List<List<?>> settings = new ArrayList<>();
        r.config().toMap().forEach((k, v) -> settings.add(List.of(k, v)));
        md.heading(2, "Configuration").table(List.of("setting", "value"), settings);
        for (String image : images) {
            md.image(image.replace(".png", ""), image);
        }
        return md;
    }
}
