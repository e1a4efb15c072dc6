package org.jcontrast.examples;

import java.util.List;
import java.util.SplittableRandom;
import org.jcontrast.Engine;
import org.jcontrast.autograd.Variable;
import org.jcontrast.loss.Loss;
import org.jcontrast.loss.Losses;
import org.jcontrast.loss.NtXent;
import org.jcontrast.metrics.Metrics;
import org.jcontrast.nn.Linear;
import org.jcontrast.nn.Relu;
import org.jcontrast.nn.Sequential;
import org.jcontrast.optim.AdamW;
import org.jcontrast.optim.Optimizer;
import org.jcontrast.tensor.Tensor;

/**
 * A projection head trained with NT-Xent on frozen embedding pairs, until the held-out pairs
 * retrieve each other: held-out recall@1, uniformity and alignment before and after.
 */
public final class ProjectionHead {
    private static final int BATCH = 256;

    private ProjectionHead() {
    }

    /**
     * Recall@1, uniformity and alignment of the held-out pairs, raw and through the trained head.
     *
     * @param recallBefore    held-out recall@1 of the raw embeddings
     * @param recallAfter     held-out recall@1 through the head
     * @param uniformityAfter Wang &amp; Isola's uniformity through the head (lower is more uniform)
     * @param alignmentBefore mean squared distance of the raw held-out pairs on the sphere
     * @param alignmentAfter  the same through the head
     * @param firstLoss       the loss of the first step
     * @param lastLoss        the loss of the last step
     */
    public record Outcome(double recallBefore, double recallAfter, double uniformityAfter, double alignmentBefore,
                          double alignmentAfter, double firstLoss, double lastLoss) {
    }

    /** Trains a 64 → 64 → 32 MLP head for {@code epochs} epochs on {@code train}, evaluates on {@code heldOut}. */
    public static Outcome run(PairedEmbeddings train, PairedEmbeddings heldOut, int epochs) {
        Sequential head = new Sequential(List.of(
                new Linear("head.0", PairedEmbeddings.DIM, 64, true, new SplittableRandom(1)), new Relu(),
                new Linear("head.1", 64, 32, true, new SplittableRandom(2))));
        Optimizer adam = AdamW.builder(head.parameters()).learningRate(3e-3).build();
        Loss ntxent = Losses.create(new NtXent(0.2));
        double first = Double.NaN, last = Double.NaN;
        int items = train.view1().length;
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int from = 0; from + BATCH <= items; from += BATCH) {
                PairedEmbeddings batch = train.slice(from, from + BATCH);
                Variable x1 = Variable.constant(Tensor.fromRows(batch.view1()));
                Variable x2 = Variable.constant(Tensor.fromRows(batch.view2()));
                Variable loss = ntxent.apply(head.forward(x1, true), head.forward(x2, true));
                loss.backward();
                adam.step();
                last = loss.value().item();
                first = Double.isNaN(first) ? last : first;
            }
        }
        Tensor raw1 = Tensor.fromRows(heldOut.view1()), raw2 = Tensor.fromRows(heldOut.view2());
        Tensor h1 = head.forward(Variable.constant(raw1), false).value();
        Tensor h2 = head.forward(Variable.constant(raw2), false).value();
        return new Outcome(Metrics.recallAtK(raw1, raw2, 1), Metrics.recallAtK(h1, h2, 1),
                Metrics.uniformity(h1, Metrics.UNIFORMITY_T), Metrics.alignment(raw1, raw2), Metrics.alignment(h1, h2),
                first, last);
    }

    /**
     * Trains on synthetic pairs and reports on a quarter as many held out: {@code args} are the
     * training pairs (default 4,096) and the epochs (default 10).
     */
    public static void main(String[] args) {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        System.out.println("engine: " + Engine.current().describe());
        PairedEmbeddings all = PairedEmbeddings.generate(items + items / 4, 7);
        Outcome o = run(all.slice(0, items), all.slice(items, items + items / 4), epochs);
        System.out.printf("held-out recall@1 %.3f -> %.3f; alignment %.3f -> %.3f; uniformity %.3f; loss %.3f -> %.3f%n",
                o.recallBefore(), o.recallAfter(), o.alignmentBefore(), o.alignmentAfter(), o.uniformityAfter(),
                o.firstLoss(), o.lastLoss());
    }
}
