package org.jcontrast.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jcontrast.Engine;
import org.jcontrast.internal.Context;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossSpec;
import org.jcontrast.loss.Selection;
import org.jcontrast.simclr.data.Dataset;
import org.jcontrast.simclr.eval.FrozenEval;
import org.jcontrast.simclr.train.Sweep;
import org.jcontrast.simclr.train.TrainConfig;
import org.jcontrast.simclr.train.TrainListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jcontrast sweep}: a grid of short training runs and the papers' comparisons drawn from it. */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train and evaluate a grid of runs and compare them: accuracy, uniformity and tolerance against "
                + "the temperature for each loss (Wang & Liu), NT-Xent against DCL across batch sizes with the NPC "
                + "multipliers (Yeh et al.), and accuracy against the view strength with the InfoNCE bound (InfoMin).",
                "By default the grid is three axes through a centre run (one factor at a time); --product runs "
                        + "every combination. Results go to runs/<name>/: summary.json, report.md and PNG plots. "
                        + "Ctrl-C stops after the current step and writes what was finished; a second Ctrl-C "
                        + "stops at once. Finished runs are saved as they finish; a run that fails is listed with the reason and the "
                        + "sweep goes on."})
final class SweepCommand implements Callable<Integer> {
    /** Epochs per run unless --epochs says otherwise: short runs, so the default grid fits its time budget. */
    static final int DEFAULT_EPOCHS = 8;

    @Option(names = "--losses", split = ",", paramLabel = "L,L", defaultValue = "ntxent,hard,simple,hardsimple",
            description = "Losses of the temperature axis (default ${DEFAULT-VALUE}).")
    List<String> losses;

    @Option(names = "--temperatures", split = ",", paramLabel = "T,T", defaultValue = "0.05,0.1,0.2,0.5,1",
            description = "Temperatures (default ${DEFAULT-VALUE}).")
    List<Double> temperatures;

    @Option(names = "--batch-sizes", split = ",", paramLabel = "B,B", defaultValue = "32,64,128,256,512",
            description = "Batch sizes of NT-Xent and DCL (default ${DEFAULT-VALUE}).")
    List<Integer> batchSizes;

    @Option(names = "--view-strengths", split = ",", paramLabel = "S,S", defaultValue = "0,0.25,0.5,1,1.5,2",
            description = "View strengths of NT-Xent (default ${DEFAULT-VALUE}).")
    List<Double> viewStrengths;

    @Option(names = "--center-temperature", paramLabel = "T", defaultValue = "0.2",
            description = "τ of the batch and view axes (default ${DEFAULT-VALUE}).")
    double centerTemperature;

    @Option(names = "--quantile", paramLabel = "A", defaultValue = "0.1",
            description = "hard, hardsimple: keep the negatives in the upper A-quantile (default ${DEFAULT-VALUE}).")
    double quantile;

    @Option(names = "--product", description = "Run every combination of losses, temperatures, batch sizes and "
            + "view strengths instead of the three axes.")
    boolean product;

    @Mixin
    TrainOptions options;

    @Mixin
    RunOptions run;

    @Option(names = "--dry-run", description = "Only list the runs of the grid.")
    boolean dryRun;

    @Override
    public Integer call() throws IOException {
        try (Engine engine = run.engine()) {
            return engine.call(this::execute);
        }
    }

    private Integer execute() throws IOException {
        TrainConfig center = options.applyTo(TrainConfig.builder().epochs(DEFAULT_EPOCHS)).build();
        List<Sweep.Point> points = Sweep.plan(grid(), center);
        if (dryRun) {
            for (int i = 0; i < points.size(); i++) {
                System.out.println((i + 1) + "/" + points.size() + "  " + describe(points.get(i)));
            }
            return 0;
        }
        Dataset all = run.open();
        Dataset.Split split = run.split(all, center.seed());
        Sweep.check(points, split);
        RunFolder folder = run.folder("sweep");
        System.out.println("jcontrast sweep: " + points.size() + " runs of " + center.epochs() + " epochs on " + all
                + " (" + split.train().size() + " training / " + split.eval().size() + " held-out); "
                + Context.current().threads() + " thread(s); results in " + folder.dir());
        long start = System.nanoTime();
        FrozenEval.Result raw = FrozenEval.pixels(split);
        try (StopRequest stop = new StopRequest()) {
            stop.keep("nothing yet in " + folder.dir());
            stop.installHandlers(Duration.ofSeconds(60), System.err);
            Sweep.Result result = Sweep.run(points, split, new Sweep.Listener() {
                private Progress progress;
                private final List<Sweep.Outcome> done = new ArrayList<>();
                private final List<Sweep.Failure> failed = new ArrayList<>();

                @Override
                public TrainListener starting(int index, int count, Sweep.Point p) {
                    progress = Progress.create("run " + (index + 1) + "/" + count, p.config().epochs(),
                            split.train().size() / p.config().batchSize(), 0, System.out);
                    return new TrainListener() {
                        @Override
                        public void onStep(int epoch, int step, double loss, int samples) {
                            progress.step(epoch, step, loss, samples);
                        }
                    };
                }

                @Override
                public void finished(int index, int count, Sweep.Outcome o) {
                    progress.close();
                    System.out.printf(Locale.ROOT, "run %d/%d  %s  linear probe %.4f  kNN %.4f  (%.1f s)%n", index + 1,
                            count, describe(o.point()), o.result().frozen().linearProbe(), o.result().frozen().knn(),
                            o.result().trainSeconds());
                    done.add(o);
                    saveSoFar();
                }

                @Override
                public void failed(int index, int count, Sweep.Failure f) {
                    if (progress != null) {
                        progress.close();
                    }
                    System.out.printf(Locale.ROOT, "run %d/%d  %s  failed: %s%n", index + 1, count, describe(f.point()),
                            f.reason());
                    failed.add(f);
                    saveSoFar();
                }

                /** The finished runs go to the folder as they finish, so that a kill loses only the run in progress. */
                private void saveSoFar() {
                    try {
                        SweepReport.write(folder, new Sweep.Result(done, failed), raw, points.size(),
                                (System.nanoTime() - start) / 1e9, SweepReport.RUNNING);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    stop.keep(folder.dir() + " (" + done.size() + " finished run(s) of " + points.size() + ")");
                }
            }, stop);
            double seconds = (System.nanoTime() - start) / 1e9;
            SweepReport.write(folder, result, raw, points.size(), seconds,
                    result.done().size() + result.failed().size() < points.size() ? stop.reason() : null);
            System.out.printf(Locale.ROOT, "%d of %d runs in %.0f s%s; %s%n", result.done().size(), points.size(),
                    seconds, result.failed().isEmpty() ? "" : ", " + result.failed().size() + " failed",
                    folder.file(RunFolder.REPORT));
            if (!result.failed().isEmpty()) {
                throw new IllegalStateException(result.failed().size() + " of " + points.size() + " runs failed ("
                        + String.join("; ", result.failed().stream()
                        .map(f -> describe(f.point()) + ": " + f.reason()).toList())
                        + "); the others are in " + folder.dir());
            }
        }
        return 0;
    }

    private Sweep.Grid grid() {
        List<LossSpec> specs = new ArrayList<>();
        for (String l : losses) {
            LossSpec.Builder spec = LossSpec.builder(LossKind.fromName(l));
            specs.add((spec.kind().selectsNegatives() ? spec.selection(Selection.quantile(quantile)) : spec).build());
        }
        return new Sweep.Grid(specs, temperatures, batchSizes, viewStrengths, Inputs.temperature(centerTemperature),
                product);
    }

    static String describe(Sweep.Point p) {
        TrainConfig c = p.config();
        String tau = c.loss().kind().usesTemperature() ? " τ=" + c.loss().temperature() : "";
        return String.format(Locale.ROOT, "%s%s batch %d views %s", c.loss().kind().cliName(), tau, c.batchSize(),
                c.viewStrength());
    }
}
