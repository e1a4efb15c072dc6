package org.jcontrast.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jcontrast.data.Dataset;
import org.jcontrast.eval.FrozenEval;
import org.jcontrast.io.Checkpoint;
import org.jcontrast.kernel.Parallel;
import org.jcontrast.loss.LossKind;
import org.jcontrast.train.Evaluation;
import org.jcontrast.train.TrainConfig;
import org.jcontrast.train.TrainListener;
import org.jcontrast.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jcontrast train}: SimCLR pre-training, then the frozen evaluation, in a run folder. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Pre-train an MLP encoder with SimCLR, then evaluate its frozen representation (linear probe "
                + "and kNN) on the held-out part against the same on raw pixels.",
                "Results go to runs/<name>/: summary.json, report.md, PNG plots and checkpoint.jckp. "
                        + "Ctrl-C stops after the current step and still writes them."})
final class TrainCommand implements Callable<Integer> {
    static final String CHECKPOINT = "checkpoint.jckp";

    @Option(names = "--data", paramLabel = "PATH",
            description = "IDX folder or file, or digits CSV (default: the embedded Fashion-MNIST test split).")
    Path data;

    @Option(names = "--eval-fraction", paramLabel = "F", defaultValue = "0.2",
            description = "Part of each class held out for evaluation (default ${DEFAULT-VALUE}).")
    double evalFraction;

    @Mixin
    TrainOptions options;

    @Mixin
    LossOptions loss;

    @Option(names = "--resume", paramLabel = "CHECKPOINT",
            description = "Continue the run saved in this checkpoint, with its configuration.")
    Path resume;

    @Option(names = "--checkpoint-every", paramLabel = "E", defaultValue = "10",
            description = "Also save a checkpoint every E epochs (default ${DEFAULT-VALUE}; always at the end).")
    int checkpointEvery;

    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: all processors).")
    Integer threads;

    @Option(names = "--name", paramLabel = "NAME", description = "Run folder name (default: train-<date>-<time>).")
    String name;

    @Option(names = "--runs", paramLabel = "DIR", defaultValue = "runs",
            description = "Where run folders go (default ${DEFAULT-VALUE}).")
    Path runs;

    @Override
    public Integer call() throws IOException {
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("--checkpoint-every must be at least 1, got " + checkpointEvery);
        }
        Checkpoint saved = resume == null ? null : Checkpoint.read(resume);
        if (saved != null && (options.anyGiven() || loss.anyGiven())) {
            throw new IllegalArgumentException("--resume continues the saved run with its own configuration; leave "
                    + "out the training and loss options");
        }
        TrainConfig config = saved != null ? Trainer.configOf(saved)
                : options.applyTo(TrainConfig.builder().loss(loss.spec(LossKind.NTXENT))).build();
        Dataset all = DataSources.open(data);
        Dataset.Split split = all.split(evalFraction, config.seed());
        Trainer trainer = new Trainer(config, split.train(), Trainer.DEFAULT_LOSSES);
        if (saved != null) {
            trainer.restore(saved);
        }
        RunFolder folder = RunFolder.create(runs, name != null ? name : RunFolder.defaultName("train",
                LocalDateTime.now()));
        System.out.println("jcontrast train: " + all + ", " + split.train().size() + " training / "
                + split.eval().size() + " held-out images; " + config.model(all.pixels()) + "; "
                + config.loss() + ", batch " + config.batchSize() + ", " + config.epochs() + " epochs, "
                + config.optimizer().cliName() + " lr " + config.learningRate() + "; " + Parallel.threads()
                + " thread(s); results in " + folder.dir());

        long start = System.nanoTime();
        try (StopRequest stop = new StopRequest();
             Progress progress = Progress.create("train", config.epochs(), trainer.stepsPerEpoch(), System.out)) {
            stop.installShutdownHook(Duration.ofSeconds(120), System.err);
            trainer.run(new TrainListener() {
                @Override
                public void onStep(int epoch, int step, double value, int samples) {
                    progress.step(epoch, step, value, samples);
                }

                @Override
                public void onEpoch(int epoch, double meanLoss) {
                    progress.epoch(epoch, String.format(Locale.ROOT, "loss %.4f", meanLoss));
                    if ((epoch + 1) % checkpointEvery == 0) {
                        saveCheckpoint(trainer, folder);
                    }
                }
            }, stop);
            double trainSeconds = (System.nanoTime() - start) / 1e9;
            progress.close();
            trainer.checkpoint().write(folder.file(CHECKPOINT));
            report(trainer, split, folder, trainSeconds, stop.reason());
        }
        return 0;
    }

    private static void saveCheckpoint(Trainer trainer, RunFolder folder) {
        try {
            trainer.checkpoint().write(folder.file(CHECKPOINT));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void report(Trainer trainer, Dataset.Split split, RunFolder folder, double trainSeconds, String stopped)
            throws IOException {
        long t0 = System.nanoTime();
        FrozenEval.Result learned = Evaluation.frozen(trainer.model(), split);
        FrozenEval.Result raw = FrozenEval.pixels(split);
        double evalSeconds = (System.nanoTime() - t0) / 1e9;
        TrainConfig config = trainer.config();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("linear_probe_accuracy", learned.linearProbe());
        summary.put("knn_accuracy", learned.knn());
        summary.put("raw_linear_probe_accuracy", raw.linearProbe());
        summary.put("raw_knn_accuracy", raw.knn());
        summary.put("linear_probe_train_accuracy", learned.linearProbeTrain());
        summary.put("linear_probe_iterations", learned.probeIterations());
        summary.put("seconds", trainSeconds);
        summary.put("eval_seconds", evalSeconds);
        summary.put("loss", trainer.recentLoss());
        summary.put("loss_name", config.loss().kind().cliName());
        summary.put("temperature", config.loss().temperature());
        summary.put("batch_size", config.batchSize());
        summary.put("epochs_done", trainer.epochsDone());
        summary.put("steps", trainer.steps());
        summary.put("stopped", stopped == null ? "finished" : stopped);
        summary.put("threads", Parallel.threads());
        summary.put("config", config.toMap());
        folder.writeSummary(summary);
        double[] steps = new double[trainer.lossHistory().size()];
        double[] values = new double[steps.length];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = i + 1;
            values[i] = trainer.lossHistory().get(i);
        }
        if (steps.length > 0) {
            Plots.lines(folder.file("loss.png"), "Training loss", "step", config.loss().kind().cliName(),
                    List.of(new Plots.Series("loss", steps, values)), false);
        }
        System.out.printf(Locale.ROOT, "linear probe %.4f (raw pixels %.4f), kNN %.4f (raw pixels %.4f); "
                        + "trained %.1f s, evaluated %.1f s%n", learned.linearProbe(), raw.linearProbe(), learned.knn(),
                raw.knn(), trainSeconds, evalSeconds);
    }
}
