package org.jcontrast.simclr.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.jcontrast.io.Checkpoint;
import org.jcontrast.io.FormatException;
import org.jcontrast.loss.Clip;
import org.jcontrast.loss.Dcl;
import org.jcontrast.loss.Dclw;
import org.jcontrast.loss.HardContrastive;
import org.jcontrast.loss.InfoNce;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossMode;
import org.jcontrast.loss.LossSpec;
import org.jcontrast.loss.Losses;
import org.jcontrast.loss.Selection;
import org.jcontrast.loss.Simple;
import org.jcontrast.loss.SupCon;
import org.jcontrast.simclr.data.Dataset;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    @TempDir
    Path dir;

    /** 96 images of 6×6 pixels in 3 classes: a bright row, column or diagonal at a random place, plus noise. */
    static Dataset tinyImages() {
        SplittableRandom r = new SplittableRandom(11);
        int n = 96, side = 6;
        Tensor images = Tensor.zeros(n, side * side);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % 3, at = r.nextInt(side);
            labels[i] = c;
            for (int p = 0; p < side * side; p++) {
                int y = p / side, x = p % side;
                boolean on = c == 0 ? y == at : c == 1 ? x == at : x == y;
                images.set(i, p, (float) Math.min(1, Math.max(0, (on ? 0.9 : 0.1) + 0.1 * r.nextGaussian())));
            }
        }
        return new Dataset("tiny", images, labels, side, side, Dataset.numberedClasses(3));
    }

    static TrainConfig.Builder tiny() {
        return TrainConfig.builder().encoderWidths(List.of(16)).headWidth(12).projectionDim(8).batchSize(16)
                .epochs(3).learningRate(1e-2).viewStrength(0.5).seed(5);
    }

    private static Trainer trainer(TrainConfig config) {
        return new Trainer(config, tinyImages(), Trainer.DEFAULT_LOSSES);
    }

    @Test
    void theInjectedLossDecidesHowNotWhat() {
        TrainConfig config = tiny().epochs(1).loss(new Dcl()).build();
        Trainer fused = trainer(config);
        Trainer composed = new Trainer(config, tinyImages(), spec -> Losses.create(spec, LossMode.COMPOSED));
        fused.run(TrainListener.NONE, () -> false);
        composed.run(TrainListener.NONE, () -> false);
        for (int i = 0; i < fused.lossHistory().size(); i++) {
            assertEquals(composed.lossHistory().get(i), fused.lossHistory().get(i), 1e-4, "step " + i);
        }
    }

    @Test
    void sameSeedSameNumbersAndTheLossFalls() {
        TrainConfig config = tiny().epochs(8).build();
        Trainer a = trainer(config), b = trainer(config);
        List<String> events = new ArrayList<>();
        a.run(new TrainListener() {
            @Override
            public void onStep(int epoch, int step, double loss, int samples) {
                events.add("step " + epoch + "." + step + " " + samples);
            }

            @Override
            public void onEpoch(int epoch, double meanLoss) {
                events.add("epoch " + epoch);
            }
        }, () -> false);
        b.run(TrainListener.NONE, () -> false);
        assertTrue(a.finished());
        assertEquals(6, a.stepsPerEpoch());
        assertEquals(8 * 6, a.steps());
        assertEquals(8 * 7, events.size());
        assertEquals("step 0.0 16", events.get(0));
        assertEquals("epoch 0", events.get(6));
        assertEquals(a.lossHistory(), b.lossHistory());
        assertStatesEqual(a.checkpoint().tensors(), b.checkpoint().tensors());
        List<Double> h = a.lossHistory();
        double first = (h.get(0) + h.get(1) + h.get(2)) / 3, last = a.recentLoss();
        assertTrue(last < first - 0.05, "the loss should fall: first steps " + first + ", last epoch " + last);
        Trainer other = trainer(tiny().epochs(8).seed(6).build());
        other.run(TrainListener.NONE, () -> false);
        assertNotEquals(a.lossHistory(), other.lossHistory());
    }

    @Test
    void aResumedRunContinuesExactlyAsAnUninterruptedOne() throws IOException {
        for (LossKind kind : List.of(LossKind.NTXENT, LossKind.INFONCE, LossKind.CLIP)) {
            TrainConfig config = tiny().loss(spec(kind)).bankSize(40).optimizer(OptimizerKind.SGD)
                    .learningRate(0.05).build();
            Trainer straight = trainer(config);
            straight.run(TrainListener.NONE, () -> false);

            Trainer first = trainer(config);
            AtomicInteger steps = new AtomicInteger();
            first.run(TrainListener.NONE, () -> steps.incrementAndGet() == 8); // stops inside epoch 1
            assertEquals(8, first.steps());
            assertFalse(first.finished());
            Path file = dir.resolve(kind.cliName() + ".jckp");
            first.checkpoint().write(file);

            Checkpoint saved = Checkpoint.read(file);
            assertEquals("1", saved.get("epoch"));
            assertEquals("8", saved.get("step"));
            Trainer resumed = trainer(Trainer.configOf(saved));
            resumed.restore(saved);
            resumed.run(TrainListener.NONE, () -> false);
            assertEquals(straight.lossHistory(), resumed.lossHistory(), kind.cliName());
            assertStatesEqual(straight.checkpoint().tensors(), resumed.checkpoint().tensors());
        }
    }

    @Test
    void aDivergingRunStopsNamingTheStepAndTheLastFiniteLoss() {
        Trainer t = trainer(tiny().optimizer(OptimizerKind.SGD).learningRate(1e30).build());
        List<Double> seen = new java.util.ArrayList<>();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> t.run(new TrainListener() {
            @Override
            public void onStep(int epoch, int step, double loss, int samples) {
                seen.add(loss);
            }
        }, () -> false));
        assertEquals(1, e.epoch());
        assertEquals(seen.size() + 1, e.step(), "the step after the last one reported");
        assertEquals(seen.get(seen.size() - 1), e.lastFiniteLoss(), 0.0);
        assertTrue(e.getMessage().matches("training diverged at epoch 1, step \\d+ \\(.*; last finite loss "
                + "[0-9.]+\\); try a lower --lr"), e.getMessage());
        assertEquals(seen.size(), t.steps(), "the diverged step is not counted");
    }

    @Test
    void aSnapshotKeepsItsStateWhileTrainingGoesOn() {
        Trainer t = trainer(tiny().build());
        Checkpoint snapshot = t.snapshot();
        String name = snapshot.tensors().keySet().iterator().next();
        float[] before = t.checkpoint().tensors().get(name).toArray();
        t.run(TrainListener.NONE, () -> false);
        assertArrayEquals(before, snapshot.tensors().get(name).toArray());
        assertFalse(java.util.Arrays.equals(before, t.checkpoint().tensors().get(name).toArray()), "training moved on");
        assertEquals("0", snapshot.metadata().get("step"));
    }

    @Test
    void aCheckpointWithNonFiniteWeightsIsRefused() {
        Trainer a = trainer(tiny().build());
        Checkpoint c = a.checkpoint();
        String name = c.tensors().keySet().iterator().next();
        c.tensors().get(name).array()[c.tensors().get(name).offset() + 3] = Float.NaN;
        Trainer b = trainer(tiny().build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.restore(c));
        assertTrue(e.getMessage().startsWith("the checkpoint holds NaN in '" + name + "': it was saved after the run "
                + "diverged"), e.getMessage());
        assertEquals(0, b.steps());
    }

    @Test
    void aCheckpointOfAnotherConfigurationIsRefused() {
        Trainer a = trainer(tiny().build());
        Trainer b = trainer(tiny().seed(99).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.restore(a.checkpoint()));
        assertTrue(e.getMessage().contains("another configuration"), e.getMessage());
    }

    @Test
    void aCheckpointsEpochStepAndConfigurationAreCheckedAsItsFields() throws IOException {
        Trainer first = trainer(tiny().build());
        AtomicInteger steps = new AtomicInteger();
        first.run(TrainListener.NONE, () -> steps.incrementAndGet() == 8); // 6 steps per epoch: in epoch 1
        Checkpoint good = first.checkpoint();
        for (String epoch : List.of("999", "-5", "0", "2")) {
            Checkpoint c = edited(good, "epoch", epoch);
            Trainer resumed = trainer(Trainer.configOf(c));
            assertFileProblem(() -> resumed.restore(c), "metadata entry 'epoch' is " + epoch + " but step 8");
        }
        for (String step : List.of("-1", "19", "1000000")) {
            Checkpoint c = edited(good, "step", step);
            Trainer resumed = trainer(Trainer.configOf(c));
            assertFileProblem(() -> resumed.restore(c), "metadata entry 'step' is " + step + ", outside 0..18");
        }
        String config = good.get("config");
        assertFileProblem(() -> Trainer.configOf(edited(good, "config", config.replace("\"epochs\": 3", "\"epochs\": 0"))),
                "metadata entry 'config': 'epochs' must be at least 1, got 0");
        assertFileProblem(() -> Trainer.configOf(edited(good, "config",
                config.replace("\"epochs\": 3", "\"epochs\": 4294967299"))), "'epochs' is 4294967299, beyond");
        assertFileProblem(() -> Trainer.configOf(edited(good, "config",
                config.replace("\"batch_size\": 16", "\"batch_size\": 1"))), "'config': 'batch_size' must be at least 2");
        assertFileProblem(() -> Trainer.configOf(edited(good, "config",
                config.replace("\"head_width\": 12", "\"head_width\": 2000000000"))), "does not match the");
        assertFileProblem(() -> Trainer.configOf(edited(good, "config", config.replace("\"encoder\": [16]",
                "\"encoder\": [-16]"))), "does not match the");
        assertFileProblem(() -> Trainer.configOf(edited(good, "config", "{")), "metadata entry 'config': the saved");
    }

    /** {@code c} with one metadata entry replaced, written and read back so that errors name its file. */
    private Checkpoint edited(Checkpoint c, String key, String value) throws IOException {
        Map<String, String> meta = new java.util.LinkedHashMap<>(c.metadata());
        meta.put(key, value);
        Path file = dir.resolve("edited.jckp");
        new Checkpoint(meta, c.tensors()).write(file);
        return Checkpoint.read(file);
    }

    private void assertFileProblem(org.junit.jupiter.api.function.Executable call, String part) {
        FormatException e = assertThrows(FormatException.class, call);
        assertTrue(e.getMessage().startsWith(dir.resolve("edited.jckp").toString()), e.getMessage());
        assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
        assertFalse(e.getMessage().contains("--"), "names no option: " + e.getMessage());
    }

    @Test
    void everyLossTrains() {
        for (LossKind kind : LossKind.values()) {
            Trainer t = trainer(tiny().loss(spec(kind)).epochs(1).bankSize(32).build());
            t.run(TrainListener.NONE, () -> false);
            assertEquals(6, t.lossHistory().size(), kind.cliName());
            assertTrue(t.lossHistory().stream().allMatch(Double::isFinite), kind.cliName());
        }
    }

    @Test
    void clipLearnsItsTemperature() {
        Trainer t = trainer(tiny().loss(new Clip()).build());
        float before = t.checkpoint().tensors().get("loss.logit_scale").item();
        t.run(TrainListener.NONE, () -> false);
        float after = t.checkpoint().tensors().get("loss.logit_scale").item();
        assertEquals((float) Math.log(1 / 0.07), before, 1e-6f);
        assertNotEquals(before, after);
        assertTrue(after <= Math.log(100) + 1e-6);
    }

    @Test
    void badSettingsAreRefusedWithTheOptionsName() {
        assertMessage("--epochs", () -> tiny().epochs(0).build());
        assertMessage("--batch-size", () -> tiny().batchSize(1).build());
        assertMessage("--lr", () -> tiny().learningRate(-1).build());
        assertMessage("--momentum", () -> tiny().momentum(1).build());
        assertMessage("--warmup-epochs", () -> tiny().warmupEpochs(4).build());
        assertMessage("--view-strength", () -> tiny().viewStrength(-1).build());
        assertMessage("--bank-size", () -> tiny().loss(new InfoNce()).bankSize(8).build());
        assertMessage("--batch-size 200", () -> trainer(tiny().batchSize(200).build()));
        assertEquals(0.3, tiny().build().warmupEpochs(), 1e-12, "a tenth of the epochs by default");
        assertEquals(OptimizerKind.LARS.defaultLearningRate(),
                TrainConfig.builder().optimizer(OptimizerKind.LARS).build().learningRate());
    }

    @Test
    void theConfigurationSurvivesItsJson() {
        List<TrainConfig> configs = List.of(tiny().build(),
                tiny().loss(new HardContrastive(0.3, Selection.topK(5))).seed(-1234567890123456789L)
                        .batchNorm(false).optimizer(OptimizerKind.LARS).build(),
                tiny().loss(new Dclw().withSigma(0.7).withClampWeight(true)).build(),
                tiny().loss(new Simple().withLambda(0.01)).build(),
                tiny().loss(new InfoNce().withSymmetric(true)).bankSize(64).build(),
                tiny().loss(new SupCon().withRescale(false)).build());
        for (TrainConfig c : configs) {
            Map<String, Object> map = c.toMap();
            assertEquals(map, TrainConfig.fromMap(FlatJson.read(FlatJson.write(map))).toMap());
        }
        assertThrows(IllegalArgumentException.class, () -> FlatJson.read("{\"a\": 1"));
        assertThrows(IllegalArgumentException.class, () -> FlatJson.read("{\"a\": x}"));
        assertThrows(IllegalArgumentException.class, () -> TrainConfig.fromMap(Map.of("loss", "ntxent")));
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }

    private static void assertStatesEqual(Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        for (String k : expected.keySet()) {
            assertArrayEquals(expected.get(k).toArray(), actual.get(k).toArray(), k);
        }
    }

    /** The kind's defaults, with a top-4 selection for the hard losses, which need one. */
    private static LossSpec spec(LossKind kind) {
        LossSpec.Builder b = LossSpec.builder(kind);
        return (kind.selectsNegatives() ? b.selection(Selection.topK(4)) : b).build();
    }
}
