package org.jcontrast.simclr.train;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossSpec;
import org.jcontrast.simclr.data.Dataset;

/**
 * A grid of training runs for the papers' comparisons, all sharing the other settings of a
 * centre configuration (epochs, optimiser, architecture, seed).
 *
 * <p>By default the grid is three axes through the centre, one factor at a time:
 * <ul>
 * <li>{@link Axis#TEMPERATURE}: every loss at every temperature (a loss without one runs once),
 *     at the centre's batch size and view strength — Wang &amp; Liu's comparison;</li>
 * <li>{@link Axis#BATCH}: NT-Xent and DCL at the centre temperature, at every batch size — the
 *     DCL paper's comparison;</li>
 * <li>{@link Axis#VIEWS}: NT-Xent at the centre temperature, at every view strength — InfoMin's.</li>
 * </ul>
 * A configuration on several axes runs once. {@link Grid#product()} runs the full product of
 * losses × temperatures × batch sizes × view strengths instead.
 * <p>Its methods run on the calling thread; the points and outcomes are immutable.
 */
public final class Sweep {
    /** The comparison a run belongs to. */
    public enum Axis {
        /** Losses against the temperature. */
        TEMPERATURE,
        /** NT-Xent and DCL against the batch size. */
        BATCH,
        /** NT-Xent against the view strength. */
        VIEWS
    }

    /**
     * One run of the sweep and the comparisons it is part of.
     *
     * @param config the run's configuration
     * @param axes the comparisons it belongs to
     */
    public record Point(TrainConfig config, Set<Axis> axes) {
    }

    /**
     * One finished run.
     *
     * @param point the run
     * @param result its evaluation
     */
    public record Outcome(Point point, RunResult result) {
    }

    /**
     * One run that failed, and why.
     *
     * @param point the run
     * @param reason why it failed, one line
     */
    public record Failure(Point point, String reason) {
    }

    /**
     * What a sweep did: the runs that finished and those that failed, each in order.
     *
     * @param done the runs that finished
     * @param failed the runs that failed
     */
    public record Result(List<Outcome> done, List<Failure> failed) {
        /** Copies the lists. */
        public Result {
            done = List.copyOf(done);
            failed = List.copyOf(failed);
        }
    }

    /**
     * What to vary.
     *
     * @param losses            the losses of the temperature axis (with their options, e.g. a quantile)
     * @param temperatures      the temperatures
     * @param batchSizes        the batch sizes
     * @param viewStrengths     the view strengths
     * @param centerTemperature τ of the batch and view axes
     * @param product           run the full product instead of the three axes
     */
    public record Grid(List<LossSpec> losses, List<Double> temperatures, List<Integer> batchSizes,
                       List<Double> viewStrengths, double centerTemperature, boolean product) {
        /** Checks that every list has a value. */
        public Grid {
            losses = List.copyOf(losses);
            temperatures = List.copyOf(temperatures);
            batchSizes = List.copyOf(batchSizes);
            viewStrengths = List.copyOf(viewStrengths);
            if (losses.isEmpty() || temperatures.isEmpty() || batchSizes.isEmpty() || viewStrengths.isEmpty()) {
                throw new IllegalArgumentException("a sweep needs at least one loss, temperature, batch size and "
                        + "view strength");
            }
        }
    }

    /** Reports a sweep's progress. */
    public interface Listener {
        /**
         * Run {@code index} (0-based) of {@code count} starts; the returned listener gets its steps.
         *
         * @param index the run, 0-based
         * @param count the runs in the sweep
         * @param point the run's configuration
         * @return the listener of the run's steps
         */
        TrainListener starting(int index, int count, Point point);

        /**
         * Run {@code index} is done and evaluated.
         *
         * @param index the run, 0-based
         * @param count the runs in the sweep
         * @param outcome the run and its evaluation
         */
        void finished(int index, int count, Outcome outcome);

        /**
         * Run {@code index} failed; the sweep goes on with the next. Does nothing unless overridden.
         *
         * @param index the run, 0-based
         * @param count the runs in the sweep
         * @param failure the run and why it failed
         */
        default void failed(int index, int count, Failure failure) {
        }
    }

    private Sweep() {
    }

    /**
     * The runs of {@code grid} around {@code center}, in order, each configuration once.
     *
     * @param grid the axes and their values
     * @param center the run every axis goes through
     * @return the runs, each configuration once
     */
    public static List<Point> plan(Grid grid, TrainConfig center) {
        Map<Map<String, Object>, Point> points = new LinkedHashMap<>();
        if (grid.product()) {
            for (LossSpec loss : grid.losses()) {
                for (double tau : temperaturesOf(loss, grid.temperatures())) {
                    for (int batch : grid.batchSizes()) {
                        for (double strength : grid.viewStrengths()) {
                            add(points, run(center, loss, tau, batch, strength), EnumSet.allOf(Axis.class));
                        }
                    }
                }
            }
        } else {
            for (LossSpec loss : grid.losses()) {
                for (double tau : temperaturesOf(loss, grid.temperatures())) {
                    add(points, run(center, loss, tau, center.batchSize(), center.viewStrength()),
                            EnumSet.of(Axis.TEMPERATURE));
                }
            }
            for (LossKind kind : List.of(LossKind.NTXENT, LossKind.DCL)) {
                for (int batch : grid.batchSizes()) {
                    add(points, run(center, LossSpec.builder(kind).build(), grid.centerTemperature(), batch, center.viewStrength()),
                            EnumSet.of(Axis.BATCH));
                }
            }
            for (double strength : grid.viewStrengths()) {
                add(points, run(center, LossSpec.builder(LossKind.NTXENT).build(), grid.centerTemperature(), center.batchSize(),
                        strength), EnumSet.of(Axis.VIEWS));
            }
        }
        return List.copyOf(points.values());
    }

    /**
     * Throws, listing every run that cannot train on {@code split}, before any work: a sweep must
     * not fail at its twentieth run for a reason known at the start.
     *
     * @param points the runs
     * @param split the training and held-out parts
     * @throws IllegalArgumentException naming each run that cannot start, and why
     */
    public static void check(List<Point> points, Dataset.Split split) {
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            try {
                Trainer.check(points.get(i).config(), split.train().size());
            } catch (IllegalArgumentException e) {
                bad.add("run " + (i + 1) + ": " + e.getMessage());
            }
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException(bad.size() + " of the " + points.size() + " runs cannot start ("
                    + String.join("; ", bad) + "); change the grid");
        }
    }

    /**
     * Trains and evaluates every point on {@code split} in order, until all are done or
     * {@code stop} answers true (the run in progress then ends after its current step and is
     * left out). A run that fails, by diverging or running out of memory, is reported and the
     * sweep goes on.
     *
     * @param points the runs
     * @param split the training and held-out parts
     * @param listener told of each run, its steps and its failure if it fails
     * @param stop asked after each step; true stops the sweep
     * @return the finished runs and the failed ones
     */
    public static Result run(List<Point> points, Dataset.Split split, Listener listener, BooleanSupplier stop) {
        List<Outcome> done = new ArrayList<>();
        List<Failure> failed = new ArrayList<>();
        for (int i = 0; i < points.size() && !stop.getAsBoolean(); i++) {
            Point p = points.get(i);
            try {
                Trainer trainer = new Trainer(p.config(), split.train(), Trainer.DEFAULT_LOSSES);
                long start = System.nanoTime();
                trainer.run(listener.starting(i, points.size(), p), stop);
                if (!trainer.finished()) {
                    break;
                }
                Outcome o = new Outcome(p, RunResult.evaluate(trainer, split, (System.nanoTime() - start) / 1e9));
                done.add(o);
                listener.finished(i, points.size(), o);
            } catch (RuntimeException | OutOfMemoryError e) {
                // The run's arrays are unreachable now; the next run starts afresh.
                String why = e instanceof OutOfMemoryError ? "out of memory" : String.valueOf(e.getMessage());
                Failure f = new Failure(p, why);
                failed.add(f);
                listener.failed(i, points.size(), f);
            }
        }
        return new Result(done, failed);
    }

    private static List<Double> temperaturesOf(LossSpec loss, List<Double> temperatures) {
        return loss.kind().usesTemperature() ? temperatures : List.of(Double.NaN);
    }

    private static TrainConfig run(TrainConfig center, LossSpec loss, double tau, int batch, double strength) {
        LossSpec spec = Double.isNaN(tau) ? loss : LossSpec.builder(loss).temperature(tau).build();
        return center.toBuilder().loss(spec).batchSize(batch).viewStrength(strength).build();
    }

    private static void add(Map<Map<String, Object>, Point> points, TrainConfig config, Set<Axis> axes) {
        Point old = points.get(config.toMap());
        EnumSet<Axis> all = EnumSet.copyOf(axes);
        if (old != null) {
            all.addAll(old.axes());
        }
        points.put(config.toMap(), new Point(config, all));
    }
}
