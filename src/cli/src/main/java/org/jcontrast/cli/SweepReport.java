package org.jcontrast.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossSpec;
import org.jcontrast.loss.Selection;
import org.jcontrast.simclr.eval.FrozenEval;
import org.jcontrast.simclr.train.RunResult;
import org.jcontrast.simclr.train.Sweep;
import org.jcontrast.simclr.train.TrainConfig;

/** What {@code jcontrast sweep} leaves in its run folder: summary.json, report.md with one table, and the plots. */
final class SweepReport {
    static final String ACCURACY_TAU = "accuracy_vs_temperature.png";
    static final String UNIFORMITY_TAU = "uniformity_vs_temperature.png";
    static final String TOLERANCE_TAU = "tolerance_vs_temperature.png";
    static final String BATCH = "dcl_vs_ntxent_batch.png";
    static final String NPC = "npc_multiplier_vs_batch.png";
    static final String VIEWS = "accuracy_vs_view_strength.png";
    static final String INFOMIN = "accuracy_vs_infonce_bound.png";

    /** The stop reason of a report written while the sweep goes on. */
    static final String RUNNING = "running";

    private SweepReport() {
    }

    /**
     * Writes the plots, report.md, then summary.json last, of the runs done so far.
     *
     * @param stopped why the sweep stopped early, "running" while it goes on, or null when it finished
     */
    static void write(RunFolder folder, Sweep.Result sweep, FrozenEval.Result raw, int planned,
                      double seconds, String stopped) throws IOException {
        List<Sweep.Outcome> outcomes = sweep.done();
        List<String> images = new ArrayList<>();
        List<Sweep.Outcome> byTau = on(outcomes, Sweep.Axis.TEMPERATURE);
        if (!byTau.isEmpty()) {
            temperaturePlot(folder, ACCURACY_TAU, "Linear probe against τ (Wang & Liu)", "linear probe accuracy", byTau,
                    r -> r.frozen().linearProbe(), raw.linearProbe());
            temperaturePlot(folder, UNIFORMITY_TAU, "Uniformity against τ", "uniformity (lower: more uniform)", byTau,
                    r -> r.metrics().uniformity(), Double.NaN);
            temperaturePlot(folder, TOLERANCE_TAU, "Tolerance against τ", "tolerance (same-class similarity)", byTau,
                    r -> r.metrics().tolerance(), Double.NaN);
            images.addAll(List.of(ACCURACY_TAU, UNIFORMITY_TAU, TOLERANCE_TAU));
        }
        List<Sweep.Outcome> byBatch = on(outcomes, Sweep.Axis.BATCH);
        if (!byBatch.isEmpty()) {
            List<Plots.Series> acc = new ArrayList<>(), npc = new ArrayList<>();
            for (LossKind kind : List.of(LossKind.NTXENT, LossKind.DCL)) {
                List<Sweep.Outcome> ofKind = sorted(of(byBatch, kind), c -> c.batchSize());
                if (ofKind.isEmpty()) {
                    continue;
                }
                acc.add(series(kind.cliName(), ofKind, c -> c.batchSize(), r -> r.frozen().linearProbe()));
                npc.add(series(kind.cliName() + " embeddings: mean", ofKind, c -> c.batchSize(),
                        r -> r.metrics().npc().mean()));
                npc.add(series(kind.cliName() + " embeddings: coefficient of variation", ofKind, c -> c.batchSize(),
                        r -> r.metrics().npc().cv()));
            }
            Plots.lines(folder.file(BATCH), "DCL against NT-Xent across batch sizes", "batch size",
                    "linear probe accuracy", acc, true);
            Plots.lines(folder.file(NPC), "NPC multiplier of NT-Xent in held-out batches of the training size", "batch size",
                    "NPC multiplier", npc, true);
            images.addAll(List.of(BATCH, NPC));
        }
        List<Sweep.Outcome> byViews = sorted(on(outcomes, Sweep.Axis.VIEWS), TrainConfig::viewStrength);
        if (!byViews.isEmpty()) {
            Plots.lines(folder.file(VIEWS), "Accuracy against view strength (InfoMin)", "view strength", "accuracy",
                    List.of(series("linear probe", byViews, TrainConfig::viewStrength, r -> r.frozen().linearProbe()),
                            series("kNN", byViews, TrainConfig::viewStrength, r -> r.frozen().knn())), false);
            double[] bound = values(byViews, r -> r.metrics().infoNceBound());
            double[] accuracy = values(byViews, r -> r.frozen().linearProbe());
            Plots.lines(folder.file(INFOMIN), "Accuracy against the views' InfoNCE bound, in order of view strength",
                    "InfoNCE bound log(2B−1) − NT-Xent (held-out batches, nats)", "linear probe accuracy",
                    List.of(new Plots.Series("views of strength " + byViews.get(0).point().config().viewStrength()
                            + " → " + byViews.get(byViews.size() - 1).point().config().viewStrength(), bound,
                            accuracy)), false);
            images.addAll(List.of(VIEWS, INFOMIN));
        }
        folder.writeReport(markdown(sweep, raw, planned, seconds, stopped, images));
        folder.writeSummary(summary(sweep, raw, planned, seconds, stopped));
    }

    private static Map<String, Object> summary(Sweep.Result sweep, FrozenEval.Result raw, int planned, double seconds,
                                               String stopped) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("status", stopped == null ? "finished" : stopped.equals(RUNNING) ? RUNNING : "stopped");
        summary.put("runs_done", sweep.done().size());
        summary.put("runs_failed", sweep.failed().size());
        summary.put("runs_planned", planned);
        summary.put("seconds", seconds);
        summary.put("stopped", stopped == null ? "finished" : stopped);
        summary.put("raw_linear_probe_accuracy", raw.linearProbe());
        summary.put("raw_knn_accuracy", raw.knn());
        List<Map<String, Object>> runs = new ArrayList<>();
        for (Sweep.Outcome o : sweep.done()) {
            Map<String, Object> r = new LinkedHashMap<>(o.result().summary());
            r.put("axes", axes(o.point()));
            r.put("config", o.result().config().toMap());
            runs.add(r);
        }
        summary.put("runs", runs);
        List<Map<String, Object>> failed = new ArrayList<>();
        for (Sweep.Failure f : sweep.failed()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("run", SweepCommand.describe(f.point()));
            r.put("reason", f.reason());
            r.put("axes", axes(f.point()));
            r.put("config", f.point().config().toMap());
            failed.add(r);
        }
        summary.put("failed", failed);
        return summary;
    }

    private static List<String> axes(Sweep.Point p) {
        return p.axes().stream().map(a -> a.name().toLowerCase(Locale.ROOT)).toList();
    }

    private static void temperaturePlot(RunFolder folder, String file, String title, String yLabel,
                                        List<Sweep.Outcome> runs, ToDoubleFunction<RunResult> y, double rawLine)
            throws IOException {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Sweep.Outcome o : runs) {
            TrainConfig c = o.point().config();
            if (c.loss().kind().usesTemperature()) {
                lo = Math.min(lo, c.loss().temperature());
                hi = Math.max(hi, c.loss().temperature());
            }
        }
        if (lo > hi) {
            lo = 0.1;
            hi = 1;
        }
        List<Plots.Series> series = new ArrayList<>();
        Map<String, List<Sweep.Outcome>> byLoss = new LinkedHashMap<>();
        for (Sweep.Outcome o : runs) {
            byLoss.computeIfAbsent(lossLabel(o.point().config()), k -> new ArrayList<>()).add(o);
        }
        for (Map.Entry<String, List<Sweep.Outcome>> e : byLoss.entrySet()) {
            List<Sweep.Outcome> loss = e.getValue();
            if (loss.get(0).point().config().loss().kind().usesTemperature()) {
                series.add(series(e.getKey(), sorted(loss, c -> c.loss().temperature()), c -> c.loss().temperature(),
                        y));
            } else {
                double v = y.applyAsDouble(loss.get(0).result());
                series.add(new Plots.Series(e.getKey() + " (no τ)", new double[] {lo, hi}, new double[] {v, v}));
            }
        }
        if (!Double.isNaN(rawLine)) {
            series.add(new Plots.Series("raw pixels", new double[] {lo, hi}, new double[] {rawLine, rawLine}));
        }
        Plots.lines(folder.file(file), title, "temperature τ", yLabel, series, true);
    }

    private static MarkdownReport markdown(Sweep.Result sweep, FrozenEval.Result raw, int planned,
                                           double seconds, String stopped, List<String> images) {
        List<Sweep.Outcome> outcomes = sweep.done();
        MarkdownReport md = new MarkdownReport().heading(1, "jcontrast sweep");
        String state = stopped == null ? "" : stopped.equals(RUNNING) ? " so far (the sweep is still running)"
                : ", stopped early (" + stopped + ")";
        String failures = sweep.failed().isEmpty() ? "" : "; " + sweep.failed().size() + " failed (listed below)";
        md.paragraph(String.format(Locale.ROOT, "%d of %d runs in %.0f s%s%s. Raw pixels: linear probe %.4f, kNN %.4f.",
                outcomes.size(), planned, seconds, state, failures, raw.linearProbe(), raw.knn()));
        List<List<?>> rows = new ArrayList<>();
        for (Sweep.Outcome o : outcomes) {
            TrainConfig c = o.point().config();
            RunResult r = o.result();
            rows.add(List.of(lossLabel(c), c.loss().kind().usesTemperature() ? c.loss().temperature() : Double.NaN,
                    c.batchSize(), c.viewStrength(), r.frozen().linearProbe(), r.frozen().knn(),
                    r.metrics().uniformity(), r.metrics().tolerance(), r.metrics().alignment(),
                    r.metrics().npc().mean(), r.metrics().npc().cv(),
                    r.metrics().infoNceBound(), r.finalLoss(), r.trainSeconds(),
                    String.join(", ", axes(o.point()))));
        }
        md.table(List.of("loss", "τ", "batch", "views", "linear probe", "kNN", "uniformity", "tolerance", "alignment",
                "NPC mean", "NPC CV", "InfoNCE bound", "final loss", "seconds", "axes"), rows);
        if (!sweep.failed().isEmpty()) {
            md.heading(2, "Failed runs");
            md.table(List.of("run", "reason"), sweep.failed().stream()
                    .<List<?>>map(f -> List.of(SweepCommand.describe(f.point()), f.reason())).toList());
        }
        for (String image : images) {
            md.image(image.replace(".png", ""), image);
        }
        return md;
    }

    private static String lossLabel(TrainConfig c) {
        String name = c.loss().kind().cliName();
        return switch (LossSpec.builder(c.loss()).selection()) {
            case Selection.TopK top -> name + " top-" + top.k();
            case Selection.Quantile q -> name + " q=" + q.alpha();
            case null -> name;
        };
    }

    private static List<Sweep.Outcome> on(List<Sweep.Outcome> outcomes, Sweep.Axis axis) {
        return outcomes.stream().filter(o -> o.point().axes().contains(axis)).toList();
    }

    private static List<Sweep.Outcome> of(List<Sweep.Outcome> outcomes, LossKind kind) {
        return outcomes.stream().filter(o -> o.point().config().loss().kind() == kind).toList();
    }

    private static List<Sweep.Outcome> sorted(List<Sweep.Outcome> outcomes, ToDoubleFunction<TrainConfig> key) {
        return outcomes.stream().sorted(Comparator.comparingDouble(o -> key.applyAsDouble(o.point().config())))
                .toList();
    }

    private static Plots.Series series(String name, List<Sweep.Outcome> runs, ToDoubleFunction<TrainConfig> x,
                                       ToDoubleFunction<RunResult> y) {
        double[] xs = new double[runs.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = x.applyAsDouble(runs.get(i).point().config());
        }
        return new Plots.Series(name, xs, values(runs, y));
    }

    private static double[] values(List<Sweep.Outcome> runs, ToDoubleFunction<RunResult> y) {
        double[] out = new double[runs.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = y.applyAsDouble(runs.get(i).result());
        }
        return out;
    }
}
