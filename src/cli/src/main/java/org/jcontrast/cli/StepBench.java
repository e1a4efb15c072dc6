package org.jcontrast.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.jcontrast.Engine;
import org.jcontrast.internal.Context;
import org.jcontrast.optim.LearningRateSchedule;
import org.jcontrast.simclr.train.SimClrStep;
import org.jcontrast.simclr.train.TrainConfig;
import org.jcontrast.simclr.train.Trainer;
import org.jcontrast.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jcontrast bench step}: one SimCLR training step of the default {@code train}
 * configuration (network, NT-Xent, AdamW) on a fixed batch of random pixels, without data
 * augmentation: the peer of {@code bench/peers/simclr_step_torch.py}.
 */
@Command(name = "step", mixinStandardHelpOptions = true,
        description = {"Time one SimCLR training step (forward, loss, backward, optimiser) of train's default "
                + "configuration on a fixed batch of 28×28 random images, augmentation excluded.",
                "Compare with PyTorch side by side: bench/peers/compare.py simclr-step --batch 512 --threads 2"})
final class StepBench implements Callable<Integer> {
    private static final int PIXELS = 28 * 28;

    @Option(names = "--batch", defaultValue = "512", description = "Images per step, N (2N views; default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", description = "Threads (default: all processors).")
    Integer threads;

    @Option(names = "--seconds", defaultValue = "5", description = "Seconds of timed steps (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--warmup", defaultValue = "8", paramLabel = "S",
            description = "Seconds of untimed steps first (default ${DEFAULT-VALUE}: the JIT takes about 7 s to "
                    + "settle on the step's methods).")
    double warmup;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() {
        if (batch < 2) {
            throw new IllegalArgumentException("--batch must be at least 2, got " + batch);
        }
        if (!(warmup >= 0) || !(seconds >= 0)) {
            throw new IllegalArgumentException("--warmup and --seconds must not be negative, got " + warmup + " and "
                    + seconds);
        }
        Engine.Builder settings = Engine.builder();
        if (threads != null) {
            settings.threads(Inputs.threads(threads));
        }
        try (Engine engine = settings.build()) {
            return engine.call(this::measure);
        }
    }

    private Integer measure() {
        OptionalDouble idle = ProcessMemory.residentMib();
        TrainConfig config = TrainConfig.builder().batchSize(batch).build();
        SimClrStep step = new SimClrStep(config, PIXELS, Trainer.DEFAULT_LOSSES,
                LearningRateSchedule.constant(config.learningRate()));
        Tensor views = Tensor.uniform(new SplittableRandom(42), 0, 1, 2 * batch, PIXELS);
        int[] labels = new int[batch];
        double[] loss = new double[1];
        double t = Stopwatch.median(() -> loss[0] = step.run(views, labels),
                warmup, seconds, 5);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("batch", batch);
        r.put("threads", Context.current().threads());
        r.put("simd", Context.current().kernels().name());
        r.put("model", config.model(PIXELS).toString());
        r.put("loss", loss[0]);
        r.put("seconds", t);
        OptionalDouble peak = ProcessMemory.peakMib();
        r.put("idle_rss_mib", idle.isPresent() ? idle.getAsDouble() : null);
        r.put("peak_rss_mib", peak.isPresent() ? peak.getAsDouble() : null);
        if (json) {
            System.out.println(Json.object(r));
        } else {
            System.out.printf("SimCLR step, %s, NT-Xent τ=%s, AdamW, batch %d (%d views), %d thread(s), %s kernels%n",
                    config.model(PIXELS), config.loss().temperature(), batch, 2 * batch, Context.current().threads(),
                    Context.current().kernels().name());
            System.out.printf("  %.4f s per step (median), %.0f images/s%n", t, batch / t);
        }
        return 0;
    }
}
