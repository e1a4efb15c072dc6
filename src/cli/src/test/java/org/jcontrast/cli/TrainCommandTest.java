package org.jcontrast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
        CliRun run = CliRun.of("bench", "step", "--batch", "8", "--threads", "1", "--seconds", "0.05", "--json").ok();
        assertTrue(run.number("seconds") > 0);
        assertTrue(run.number("peak_rss_mib") >= run.number("idle_rss_mib"), run.out());
        CliRun.of("bench", "step", "--batch", "1").failsWith("--batch must be at least 2");
    }

    private static String field(String json, String key) {
        int at = json.indexOf("\"" + key + "\": ");
        return json.substring(at, json.indexOf('\n', at));
    }
}
