package org.jcontrast.simclr.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossSpec;
import org.jcontrast.loss.NtXent;
import org.jcontrast.loss.Simple;
import org.jcontrast.metrics.Metrics;
import org.jcontrast.simclr.data.Dataset;
import org.junit.jupiter.api.Test;

class SweepTest {
    private static final TrainConfig CENTER = TrainerTest.tiny().epochs(1).build();

    @Test
    void theAxesShareTheCentreAndRunIt() {
        Sweep.Grid grid = new Sweep.Grid(List.of(new NtXent(), new Simple()),
                List.of(0.2, 0.5), List.of(8, 16), List.of(0.0, 0.5), 0.2, false);
        List<Sweep.Point> plan = Sweep.plan(grid, CENTER);
        // Temperature: ntxent ×2 + simple. Batch: ntxent and dcl × 2 (ntxent 16 at τ 0.2 is the centre).
        // Views: ntxent × 2 (0.5 is the centre's strength).
        assertEquals(3 + 3 + 1, plan.size());
        Sweep.Point centre = plan.get(0);
        assertEquals(0.2, centre.config().loss().temperature());
        assertEquals(EnumSet.allOf(Sweep.Axis.class), centre.axes());
        assertEquals(LossKind.SIMPLE, plan.get(2).config().loss().kind());
        assertEquals(EnumSet.of(Sweep.Axis.TEMPERATURE), plan.get(2).axes());
        for (Sweep.Point p : plan) {
            assertEquals(CENTER.epochs(), p.config().epochs());
            assertEquals(CENTER.seed(), p.config().seed());
        }
        assertEquals(2 * 2 * 2 + 2 * 2, Sweep.plan(new Sweep.Grid(grid.losses(), grid.temperatures(),
                grid.batchSizes(), grid.viewStrengths(), 0.2, true), CENTER).size());
        assertThrows(IllegalArgumentException.class, () -> new Sweep.Grid(List.of(), List.of(0.1), List.of(8),
                List.of(1.0), 0.2, false));
    }

    @Test
    void runsEveryPointAndStopsWhenAsked() {
        Dataset.Split split = TrainerTest.tinyImages().split(0.25, 1);
        List<Sweep.Point> plan = Sweep.plan(new Sweep.Grid(List.<LossSpec>of(new NtXent()), List.of(0.2, 0.5),
                List.of(16), List.of(0.5), 0.2, false), CENTER);
        int[] started = new int[1];
        Sweep.Listener listener = new Sweep.Listener() {
            @Override
            public TrainListener starting(int index, int count, Sweep.Point p) {
                started[0]++;
                return TrainListener.NONE;
            }

            @Override
            public void finished(int index, int count, Sweep.Outcome o) {
                assertEquals(plan.get(index), o.point());
            }
        };
        List<Sweep.Outcome> all = Sweep.run(plan, split, listener, () -> false).done();
        assertEquals(3, plan.size(), "ntxent at two temperatures, and dcl on the batch axis");
        assertEquals(3, all.size());
        RunResult r = all.get(1).result();
        assertEquals(0.5, r.config().loss().temperature());
        assertTrue(r.frozen().linearProbe() > 0.5, "three easy classes: " + r.frozen().linearProbe());
        HeldOutMetrics m = r.metrics();
        assertTrue(m.uniformity() >= -4 && m.uniformity() <= 0, "uniformity " + m.uniformity());
        assertTrue(m.tolerance() >= -1 && m.tolerance() <= 1);
        assertTrue(m.alignment() >= 0 && m.alignment() <= 4);
        assertEquals(Metrics.TOP_NEGATIVES, m.pairs().topNegativeSimilarity().dim(1));
        // 24 held-out images in batches of the training size 16: one batch, 2·16 anchors.
        assertTrue(m.infoNceBound() <= Math.log(31), "bound " + m.infoNceBound());
        assertTrue(m.npc().mean() > 0 && m.npc().mean() < 1);
        assertEquals(3, started[0]);
        assertEquals(0, Sweep.run(plan, split, listener, () -> true).done().size());
    }

    @Test
    void everyRunIsCheckedBeforeAnyStarts() {
        Dataset.Split split = TrainerTest.tinyImages().split(0.25, 1);
        List<Sweep.Point> plan = Sweep.plan(new Sweep.Grid(List.<LossSpec>of(new NtXent()), List.of(0.2),
                List.of(16, 5000, 6000), List.of(0.5), 0.2, false), CENTER);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sweep.check(plan, split));
        assertTrue(e.getMessage().startsWith("4 of the 6 runs cannot start (run 2: --batch-size 5000 is larger than "
                + "the 72 training images; run 3: --batch-size 6000"), e.getMessage());
        Sweep.check(plan.subList(0, 1), split);
    }

    @Test
    void aFailedRunIsReportedAndTheOthersAreKept() {
        Dataset.Split split = TrainerTest.tinyImages().split(0.25, 1);
        TrainConfig diverging = CENTER.toBuilder().optimizer(OptimizerKind.SGD).learningRate(1e30).build();
        List<Sweep.Point> plan = List.of(new Sweep.Point(CENTER, EnumSet.of(Sweep.Axis.BATCH)),
                new Sweep.Point(diverging, EnumSet.of(Sweep.Axis.BATCH)),
                new Sweep.Point(CENTER.toBuilder().batchSize(8).build(), EnumSet.of(Sweep.Axis.BATCH)));
        List<Integer> failedAt = new java.util.ArrayList<>();
        Sweep.Result r = Sweep.run(plan, split, new Sweep.Listener() {
            @Override
            public TrainListener starting(int index, int count, Sweep.Point p) {
                return TrainListener.NONE;
            }

            @Override
            public void finished(int index, int count, Sweep.Outcome o) {
            }

            @Override
            public void failed(int index, int count, Sweep.Failure f) {
                failedAt.add(index);
            }
        }, () -> false);
        assertEquals(List.of(plan.get(0), plan.get(2)), r.done().stream().map(Sweep.Outcome::point).toList());
        assertEquals(List.of(1), failedAt);
        assertEquals(diverging, r.failed().get(0).point().config());
        assertTrue(r.failed().get(0).reason().startsWith("training diverged at epoch 1, step "),
                r.failed().get(0).reason());
    }

    @Test
    void theMonitorMeasuresOnItsSchedule() {
        TrainConfig config = TrainerTest.tiny().epochs(4).build();
        Dataset.Split split = TrainerTest.tinyImages().split(0.25, 1);
        Monitor monitor = new Monitor(split, config, 3);
        assertEquals(List.of(false, false, true, true), List.of(monitor.due(0), monitor.due(1), monitor.due(2),
                monitor.due(3)));
        Trainer trainer = new Trainer(config, split.train(), Trainer.DEFAULT_LOSSES);
        Monitor.Point p = monitor.measure(trainer.model(), 2);
        assertEquals(3, p.epoch());
        assertTrue(p.knn() >= 0 && p.knn() <= 1);
        assertEquals(List.of(p), monitor.points());
        assertEquals(1, Monitor.defaultInterval(config));
        assertEquals(5, Monitor.defaultInterval(TrainerTest.tiny().epochs(50).build()));
        assertThrows(IllegalArgumentException.class, () -> new Monitor(split, config, 0));
    }
}
