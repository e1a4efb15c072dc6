package org.jcontrast.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import org.jcontrast.Engine;
import org.jcontrast.simclr.data.Dataset;
import picocli.CommandLine.Option;

/** Where {@code train} and {@code sweep} read their data, how they split it, and where their results go. */
final class RunOptions {
    @Option(names = "--data", paramLabel = "PATH",
            description = "IDX folder or file, digits CSV, or images .npy (labels in NAME.labels.npy) (default: the "
                    + "embedded Fashion-MNIST test split).")
    Path data;

    @Option(names = "--eval-fraction", paramLabel = "F", defaultValue = "0.2",
            description = "Part of each class held out for evaluation (default ${DEFAULT-VALUE}).")
    double evalFraction;

    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: all processors).")
    Integer threads;

    @Option(names = "--name", paramLabel = "NAME", description = "Run folder name (default: the command, date and time).")
    String name;

    @Option(names = "--runs", paramLabel = "DIR", defaultValue = "runs",
            description = "Where run folders go (default ${DEFAULT-VALUE}).")
    Path runs;

    /** The engine of the run: {@code --threads} when given, the system properties for the rest. */
    Engine engine() {
        Engine.Builder b = Engine.builder();
        if (threads != null) {
            b.threads(Inputs.threads(threads));
        }
        return b.build();
    }

    /** The dataset of {@code --data}, or the embedded one. */
    Dataset open() throws IOException {
        return DataSources.open(data);
    }

    /**
     * {@code all} split class by class into training and held-out parts; refused when nothing is
     * held out, since every run ends with an evaluation on that part.
     */
    Dataset.Split split(Dataset all, long seed) {
        if (!(evalFraction >= 0 && evalFraction <= 1)) {
            throw new IllegalArgumentException("--eval-fraction must be in [0, 1], got " + evalFraction);
        }
        Dataset.Split split = all.split(evalFraction, seed);
        if (split.eval().size() == 0) {
            throw new IllegalArgumentException("--eval-fraction " + evalFraction + " holds out none of the "
                    + all.size() + " images, and the evaluation needs some; use e.g. --eval-fraction 0.2");
        }
        return split;
    }

    /** The run folder: {@code --name}, else {@code <command>-<date>-<time>}, under {@code --runs}. */
    RunFolder folder(String command) throws IOException {
        return RunFolder.create(Inputs.outputFolder(runs, "--runs"), name != null ? name : RunFolder.defaultName(command, LocalDateTime.now()));
    }
}
