package org.jcontrast.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jcontrast.Engine;
import org.jcontrast.internal.Context;
import org.jcontrast.io.Checkpoint;
import org.jcontrast.io.FormatException;
import org.jcontrast.loss.LossKind;
import org.jcontrast.simclr.data.Dataset;
import org.jcontrast.simclr.eval.FrozenEval;
import org.jcontrast.simclr.train.Monitor;
import org.jcontrast.simclr.train.RunResult;
import org.jcontrast.simclr.train.TrainConfig;
import org.jcontrast.simclr.train.TrainListener;
import org.jcontrast.simclr.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jcontrast train}: SimCLR pre-training, then the frozen evaluation, in a run folder. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Pre-train an MLP encoder with SimCLR, then evaluate its frozen representation (linear probe "
                + "and kNN) on the held-out part against the same on raw pixels.",
                "Results go to runs/<name>/: summary.json, report.md, PNG plots and checkpoint.jckp. "
                        + "Ctrl-C stops after the current step and still writes them; a second Ctrl-C stops at "
                        + "once. A run that fails (e.g. diverges) keeps its folder with summary.json \"status\": "
                        + "\"failed\" and the reason."})
final class TrainCommand implements Callable<Integer> {
    static final String CHECKPOINT = "checkpoint.jckp";

    @Mixin
    TrainOptions options;

    @Mixin
    RunOptions run;

    @Mixin
    LossFlags loss;

    @Option(names = "--resume", paramLabel = "CHECKPOINT",
            description = "Continue the run saved in this checkpoint, with its configuration.")
    Path resume;

    @Option(names = "--checkpoint-every", paramLabel = "E", defaultValue = "10",
            description = "Also save a checkpoint every E epochs (default ${DEFAULT-VALUE}; always at the end).")
    int checkpointEvery;

    /** What the folder's checkpoint holds, or null while none was saved. */
    private String checkpointSaved;

    /** The state at the end of the last complete epoch when it is newer than the saved checkpoint, else null. */
    private Checkpoint lastEpoch;

    @Override
    public Integer call() throws IOException {
        try (Engine engine = run.engine()) {
            return engine.call(this::execute);
        }
    }

    private Integer execute() throws IOException {
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("--checkpoint-every must be at least 1, got " + checkpointEvery);
        }
        Checkpoint saved = resume == null ? null : Checkpoint.read(Inputs.file(resume, "--resume"));
        if (saved != null && (options.anyGiven() || loss.anyGiven())) {
            throw new IllegalArgumentException("--resume continues the saved run with its own configuration; leave "
                    + "out the training and loss options");
        }
        TrainConfig config = saved != null ? Trainer.configOf(saved)
                : options.applyTo(TrainConfig.builder().loss(loss.spec(LossKind.NTXENT))).build();
        Dataset all = run.open();
        Dataset.Split split = run.split(all, config.seed());
        Trainer trainer = new Trainer(config, split.train(), Trainer.DEFAULT_LOSSES);
        if (saved != null) {
            trainer.restore(saved);
            RunFolder.removeStaleFiles(resume.toAbsolutePath().getParent(), Duration.ZERO);
        }
        RunFolder folder = run.folder("train");
        System.out.println("jcontrast train: " + all + ", " + split.train().size() + " training / "
                + split.eval().size() + " held-out images; " + config.model(all.pixels()) + "; "
                + config.loss() + ", batch " + config.batchSize() + ", " + config.epochs() + " epochs, "
                + config.optimizer().cliName() + " lr " + config.learningRate() + "; " + Context.current().threads()
                + " thread(s); results in " + folder.dir());
        Monitor monitor = new Monitor(split, config, Monitor.defaultInterval(config));
        try (StopRequest stop = new StopRequest()) {
            stop.keep("nothing yet in " + folder.dir());
            stop.installHandlers(Duration.ofSeconds(120), System.err);
            try {
                trainAndReport(trainer, split, monitor, folder, stop);
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                keepFailed(folder, trainer, monitor, e);
                throw e;
            }
        }
        return 0;
    }

    private void trainAndReport(Trainer trainer, Dataset.Split split, Monitor monitor, RunFolder folder,
                                StopRequest stop) throws IOException {
        TrainConfig config = trainer.config();
        long start = System.nanoTime();
        try (Progress progress = Progress.create("train", config.epochs(), trainer.stepsPerEpoch(),
                trainer.steps(), System.out)) {
            trainer.run(new TrainListener() {
                @Override
                public void onStep(int epoch, int step, double value, int samples) {
                    progress.step(epoch, step, value, samples);
                }

                @Override
                public void onEpoch(int epoch, double meanLoss) {
                    String line = String.format(Locale.ROOT, "loss %.4f", meanLoss);
                    if (monitor.due(epoch)) {
                        Monitor.Point p = monitor.measure(trainer.model(), epoch);
                        line += String.format(Locale.ROOT, ", kNN %.4f, uniformity %.3f, tolerance %.3f, alignment %.3f",
                                p.knn(), p.uniformity(), p.tolerance(), p.alignment());
                    }
                    progress.epoch(epoch, line);
                    if ((epoch + 1) % checkpointEvery == 0) {
                        saveCheckpoint(trainer, folder, stop);
                    } else {
                        lastEpoch = trainer.snapshot();
                    }
                }
            }, stop);
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        saveCheckpoint(trainer, folder, stop);
        long evalStart = System.nanoTime();
        RunResult result = RunResult.evaluate(trainer, split, trainSeconds);
        FrozenEval.Result raw = FrozenEval.pixels(split);
        TrainReport.write(folder, trainer, result, raw, monitor.points(), stop.reason(),
                (System.nanoTime() - evalStart) / 1e9);
        System.out.printf(Locale.ROOT, "linear probe %.4f (raw pixels %.4f), kNN %.4f (raw pixels %.4f); trained "
                        + "%.1f s; %s%n", result.frozen().linearProbe(), raw.linearProbe(), result.frozen().knn(),
                raw.knn(), trainSeconds, folder.file(RunFolder.REPORT));
    }

    /**
     * Marks the folder of a run that failed, with the state at the end of the last complete epoch
     * as its checkpoint when none newer was saved; an error while doing so is added to {@code cause}.
     */
    private void keepFailed(RunFolder folder, Trainer trainer, Monitor monitor, Throwable cause) {
        try {
            if (lastEpoch != null) {
                folder.writeCheckpoint(CHECKPOINT, lastEpoch);
                checkpointSaved = held(lastEpoch, trainer.config());
            }
            TrainReport.writeFailed(folder, trainer, monitor.points(), UserErrors.message(cause), checkpointSaved);
            System.err.println("jcontrast train: the run failed; kept " + folder.dir() + " (summary.json, plots so far"
                    + (checkpointSaved == null ? ")" : ", checkpoint of " + checkpointSaved + ")"));
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private void saveCheckpoint(Trainer trainer, RunFolder folder, StopRequest stop) {
        Checkpoint c = trainer.checkpoint();
        try {
            folder.writeCheckpoint(CHECKPOINT, c);
            checkpointSaved = held(c, trainer.config());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        lastEpoch = null;
        stop.keep(folder.file(CHECKPOINT) + " (" + checkpointSaved + ")");
    }

    /** What a checkpoint holds, e.g. "epoch 3 of 10, step 30". */
    private static String held(Checkpoint c, TrainConfig config) throws FormatException {
        return "epoch " + c.get("epoch") + " of " + config.epochs() + ", step " + c.get("step");
    }
}
