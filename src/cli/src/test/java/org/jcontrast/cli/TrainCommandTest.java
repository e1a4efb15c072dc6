package org.jcontrast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jcontrast.io.Checkpoint;
import org.jcontrast.simclr.train.TrainConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The train, sweep and bench step commands end to end on a tiny dataset, in process. */
class TrainCommandTest {
    @TempDir
    Path dir;
    Path data;

    /** 200 digit-like 8×8 images in the UCI CSV format: a bright row (even labels) or column (odd), plus noise. */
    @BeforeEach
    void tinyDigits() throws IOException {
        SplittableRandom r = new SplittableRandom(3);
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            int label = i % 4, at = 1 + r.nextInt(6);
            List<String> cells = new ArrayList<>();
            for (int p = 0; p < 64; p++) {
                boolean on = label % 2 == 0 ? p / 8 == at : p % 8 == at;
                cells.add(Integer.toString(Math.min(16, (on ? 13 : 1) + r.nextInt(4))));
            }
            cells.add(Integer.toString(label));
            csv.append(String.join(",", cells)).append('\n');
        }
        data = dir.resolve("tiny.csv");
        Files.writeString(data, csv);
    }

    private List<String> small(String... more) {
        List<String> args = new ArrayList<>(List.of("--data", data.toString(), "--runs", dir.resolve("runs").toString(),
                "--encoder", "16", "--head-width", "8", "--projection-dim", "4", "--batch-size", "16", "--threads", "2"));
        args.addAll(List.of(more));
        return args;
    }

    private static CliRun cli(String command, List<String> args) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(args);
        return CliRun.of(all.toArray(String[]::new));
    }

    @Test
    void trainWritesTheRunFolderAndResumes() throws IOException {
        CliRun run = cli("train", small("--epochs", "3", "--name", "t", "--temperature", "0.3")).ok();
        assertTrue(run.out().contains("linear probe"), run.out());
        Path folder = dir.resolve("runs").resolve("t");
        String summary = Files.readString(folder.resolve("summary.json"));
        for (String key : List.of("linear_probe_accuracy", "knn_accuracy", "raw_linear_probe_accuracy",
                "raw_knn_accuracy", "uniformity", "tolerance", "alignment", "seconds", "loss", "temperature",
                "batch_size")) {
            assertTrue(summary.contains("\"" + key + "\": "), key + " in " + summary);
        }
        assertTrue(summary.contains("\"temperature\": 0.3"), summary);
        assertTrue(summary.contains("\"stopped\": \"finished\""), summary);
        for (String file : List.of("report.md", "loss.png", "similarities.png", "embedding.png", "checkpoint.jckp")) {
            assertTrue(Files.size(folder.resolve(file)) > 0, file);
        }
        assertTrue(Files.readString(folder.resolve("report.md")).contains("| raw pixels |"));
        Checkpoint saved = Checkpoint.read(folder.resolve("checkpoint.jckp"));
        assertEquals("3", saved.get("epoch"));
        // 160 training images in batches of 16: 10 steps per epoch.
        assertEquals("30", saved.get("step"));

        cli("train", List.of("--data", data.toString(), "--runs", dir.resolve("runs").toString(), "--name", "t",
                "--resume", folder.resolve("checkpoint.jckp").toString())).ok();
        String resumed = Files.readString(dir.resolve("runs").resolve("t-2").resolve("summary.json"));
        assertTrue(resumed.contains("\"steps\": 30"), resumed);
        assertEquals(field(summary, "linear_probe_accuracy"), field(resumed, "linear_probe_accuracy"));
    }

    @Test
    void badTrainingInputIsOneLine() throws IOException {
        cli("train", small("--epochs", "0")).failsWith("--epochs must be at least 1");
        cli("train", small("--loss", "nope")).failsWith("unknown loss 'nope'");
        cli("train", small("--optimizer", "rmsprop")).failsWith("unknown optimizer 'rmsprop'");
        cli("train", small("--loss", "ntxent", "--sigma", "0.3")).failsWith("apply to dclw only");
        cli("train", List.of("--data", data.toString(), "--batch-size", "500"))
                .failsWith("larger than the 160 training images");
        cli("train", small("--resume", dir.resolve("none.jckp").toString())).failsWith("not found");
        Path notCheckpoint = dir.resolve("bad.jckp");
        Files.writeString(notCheckpoint, "hello");
        cli("train", List.of("--resume", notCheckpoint.toString())).failsWith("not a jcontrast checkpoint");
        cli("train", small("--epochs", "1", "--name", "ok")).ok();
        cli("train", small("--epochs", "2", "--resume",
                dir.resolve("runs").resolve("ok").resolve("checkpoint.jckp").toString()))
                .failsWith("--resume continues the saved run");
        cli("train", small("--name", "../x")).failsWith("run name");
    }

    @Test
    void sweepWritesOneTableAndThePlots() throws IOException {
        CliRun run = cli("sweep", small("--epochs", "1", "--losses", "ntxent,simple", "--temperatures", "0.2,0.5",
                "--batch-sizes", "8,16", "--view-strengths", "0,1", "--name", "s")).ok();
        assertTrue(run.out().contains("7 of 7 runs"), run.out());
        Path folder = dir.resolve("runs").resolve("s");
        String report = Files.readString(folder.resolve("report.md"));
        assertEquals(7, report.lines().filter(l -> l.startsWith("| ntxent") || l.startsWith("| dcl")
                || l.startsWith("| simple")).count(), report);
        for (String file : List.of(SweepReport.ACCURACY_TAU, SweepReport.UNIFORMITY_TAU, SweepReport.TOLERANCE_TAU,
                SweepReport.BATCH, SweepReport.NPC, SweepReport.VIEWS, SweepReport.INFOMIN)) {
            assertTrue(Files.size(folder.resolve(file)) > 0, file);
        }
        CliRun dry = cli("sweep", List.of("--dry-run", "--product", "--losses", "ntxent,dcl,simple",
                "--temperatures", "0.1,0.5", "--batch-sizes", "64,128", "--view-strengths", "0.5,1,2"));
        dry.ok();
        // ntxent and dcl at 2 temperatures, simple once, each at 2 batch sizes and 3 strengths.
        assertEquals(5 * 2 * 3, dry.out().lines().count(), dry.out());
        cli("sweep", List.of("--losses", "nope", "--dry-run")).failsWith("unknown loss 'nope'");
        cli("sweep", List.of("--center-temperature", "0", "--dry-run")).failsWith("--temperature must be a positive");
    }

    @Test
    void nothingHeldOutIsRefusedBeforeTraining() {
        cli("train", small("--eval-fraction", "0", "--epochs", "1", "--name", "e0"))
                .failsWith("--eval-fraction 0.0 holds out none of the 200 images");
        cli("sweep", small("--eval-fraction", "0", "--epochs", "1", "--name", "s0")).failsWith("holds out none");
        assertFalse(Files.exists(dir.resolve("runs")), "no run folder");
    }

    @Test
    void aSweepChecksEveryRunBeforeTheFirst() {
        cli("sweep", small("--epochs", "1", "--losses", "ntxent", "--temperatures", "0.2", "--batch-sizes", "8,5000",
                "--view-strengths", "1", "--name", "s")).failsWith("run 3: --batch-size 5000 is larger than the 160 "
                + "training images");
        assertFalse(Files.exists(dir.resolve("runs")), "no sweep folder");
    }

    @Test
    void aSweepWhoseRunsFailSaysWhichAndWhy() throws IOException {
        CliRun run = cli("sweep", small("--epochs", "1", "--losses", "ntxent", "--temperatures", "0.2",
                "--batch-sizes", "16", "--view-strengths", "1", "--optimizer", "sgd", "--lr", "1e30", "--name", "s"));
        assertEquals(2, run.status());
        assertTrue(run.err().strip().startsWith("jcontrast sweep: 2 of 2 runs failed (ntxent τ=0.2 batch 16 views 1.0: "
                + "training diverged at epoch 1"), run.err());
        String summary = Files.readString(dir.resolve("runs").resolve("s").resolve("summary.json"));
        assertTrue(summary.contains("\"runs_failed\": 2") && summary.contains("\"reason\": \"training diverged"),
                summary);
    }

    @Test
    void aDivergingRunStopsAndKeepsItsFolderMarkedFailed() throws IOException {
        CliRun run = cli("train", small("--epochs", "2", "--optimizer", "sgd", "--lr", "1e30", "--name", "d"));
        assertEquals(2, run.status());
        List<String> errors = run.err().strip().lines().toList();
        assertTrue(errors.get(errors.size() - 1).matches("jcontrast train: training diverged at epoch 1, step \\d+ "
                + "\\(.*\\); try a lower --lr"), run.err());
        Path folder = dir.resolve("runs").resolve("d");
        String summary = Files.readString(folder.resolve("summary.json"));
        assertTrue(summary.contains("\"status\": \"failed\"") && summary.contains("\"reason\": \"training diverged"),
                summary);
        assertTrue(Files.readString(folder.resolve("report.md")).contains("failed"));
        assertTrue(errors.get(0).contains("kept " + folder), run.err());
    }

    @Test
    void aRunDivergingAfterAnEpochKeepsThatEpochAsItsCheckpoint() throws IOException {
        // SGD at 3e4 trains through the first epoch of these images (1e4 trains through four) and blows up after.
        CliRun run = cli("train", small("--epochs", "4", "--optimizer", "sgd", "--lr", "3e4", "--name", "late"));
        assertEquals(2, run.status(), run.out());
        Matcher m = Pattern.compile("training diverged at epoch (\\d+), step").matcher(run.err());
        assertTrue(m.find(), run.err());
        int epoch = Integer.parseInt(m.group(1));
        assertTrue(epoch >= 2, run.err());
        Path folder = dir.resolve("runs").resolve("late");
        String held = "epoch " + (epoch - 1) + " of 4, step " + 10 * (epoch - 1);
        assertTrue(Files.readString(folder.resolve("summary.json")).contains("\"checkpoint\": \"" + held + "\""));
        assertEquals(String.valueOf(10 * (epoch - 1)), Checkpoint.read(folder.resolve("checkpoint.jckp")).get("step"));
        // The kept checkpoint is good: resuming it trains on and diverges at the same place.
        CliRun resumed = cli("train", List.of("--data", data.toString(), "--runs", dir.resolve("runs").toString(),
                "--resume", folder.resolve("checkpoint.jckp").toString()));
        assertEquals(2, resumed.status(), resumed.out());
        assertTrue(resumed.err().contains(m.group()), resumed.err());
    }

    @Test
    void aCheckpointWithNaNWeightsIsRefusedBeforeAnyFolder() throws IOException {
        cli("train", small("--epochs", "1", "--name", "ok")).ok();
        Path file = dir.resolve("runs").resolve("ok").resolve("checkpoint.jckp");
        Checkpoint saved = Checkpoint.read(file);
        org.jcontrast.tensor.Tensor w = saved.tensors().values().iterator().next();
        w.array()[w.offset()] = Float.NaN;
        Path bad = dir.resolve("nan.jckp");
        saved.write(bad); // a valid CRC over NaN weights
        cli("train", List.of("--data", data.toString(), "--runs", dir.resolve("runs").toString(), "--resume",
                bad.toString())).failsWith("the checkpoint holds NaN in '");
        assertEquals(1, Files.list(dir.resolve("runs")).count(), "no new run folder");
    }

    @Test
    void aStopAfterTheLastEpochIsNotReportedAsAnEarlyStop() throws IOException {
        org.jcontrast.simclr.data.Dataset all = DataSources.open(data);
        org.jcontrast.simclr.data.Dataset.Split split = all.split(0.2, 1);
        org.jcontrast.simclr.train.TrainConfig config = org.jcontrast.simclr.train.TrainConfig.builder()
                .encoderWidths(List.of(8)).headWidth(8).projectionDim(4).batchSize(16).epochs(1).build();
        org.jcontrast.simclr.train.Trainer trainer = new org.jcontrast.simclr.train.Trainer(config, split.train(),
                org.jcontrast.simclr.train.Trainer.DEFAULT_LOSSES);
        trainer.run(org.jcontrast.simclr.train.TrainListener.NONE, () -> false);
        RunFolder folder = RunFolder.create(dir.resolve("runs"), "late");
        TrainReport.write(folder, trainer, org.jcontrast.simclr.train.RunResult.evaluate(trainer, split, 1),
                org.jcontrast.simclr.eval.FrozenEval.pixels(split), List.of(), "interrupted", 1);
        assertFalse(Files.readString(folder.file(RunFolder.REPORT)).contains("stopped early"));
        String summary = Files.readString(folder.file(RunFolder.SUMMARY));
        assertTrue(summary.contains("\"status\": \"finished\"") && summary.contains("\"stopped\": \"finished\""),
                summary);
    }

    @Test
    void aKilledRunResumesFromItsLastCheckpointAndLeavesNoStaleFiles() throws Exception {
        Path runs = dir.resolve("runs");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "train"));
        command.addAll(small("--epochs", "40", "--checkpoint-every", "1", "--name", "k"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("k.log").toFile())
                .start();
        Path checkpoint = runs.resolve("k").resolve("checkpoint.jckp");
        try {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (!Files.exists(checkpoint) && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(Files.exists(checkpoint) && p.isAlive(), Files.readString(dir.resolve("k.log")));
        } finally {
            p.destroyForcibly().waitFor(); // SIGKILL: no hook, no handler runs
        }
        // A kill in the middle of a write leaves its temporary file behind.
        Files.writeString(runs.resolve("k").resolve("checkpoint.jckp.tmp"), "half a checkpoint");
        long savedStep = Long.parseLong(Checkpoint.read(checkpoint).get("step"));
        assertTrue(savedStep >= 10 && savedStep % 10 == 0, "a whole epoch of 10 steps: " + savedStep);
        CliRun resumed = cli("train", List.of("--data", data.toString(), "--runs", runs.toString(), "--name", "k",
                "--resume", checkpoint.toString(), "--threads", "2"));
        assertEquals(0, resumed.status(), resumed.err());
        assertTrue(resumed.out().contains("40 epochs"), resumed.out());
        try (var files = Files.walk(runs)) {
            assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".tmp")).toList(), "no stale files");
        }
        assertEquals("40", Checkpoint.read(runs.resolve("k-2").resolve("checkpoint.jckp")).get("epoch"));
    }

    @Test
    void theEpochsHelpStatesEachCommandsDefault() {
        int train = TrainConfig.builder().build().epochs();
        for (String command : List.of("train", "sweep")) {
            String help = CliRun.of(command, "--help").ok().out().replaceAll("\\s+", " ");
            assertTrue(help.contains("default: " + train + " for train, " + SweepCommand.DEFAULT_EPOCHS
                    + " per run for sweep"), help);
        }
    }

    @Test
    void benchStepPrintsTheKeysThePeerHarnessReads() {
        CliRun run = CliRun.of("bench", "step", "--batch", "8", "--threads", "1", "--warmup", "0.05", "--seconds", "0.05",
                "--json").ok();
        assertTrue(run.number("seconds") > 0);
        assertTrue(run.number("peak_rss_mib") >= run.number("idle_rss_mib"), run.out());
        CliRun.of("bench", "step", "--batch", "1").failsWith("--batch must be at least 2");
        CliRun.of("bench", "step", "--warmup", "-1").failsWith("--warmup and --seconds must not be negative");
    }

    private static String field(String json, String key) {
        int at = json.indexOf("\"" + key + "\": ");
        return json.substring(at, json.indexOf('\n', at));
    }
}
