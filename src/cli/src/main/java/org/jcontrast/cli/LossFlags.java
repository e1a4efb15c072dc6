package org.jcontrast.cli;

import java.util.Locale;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossSpec;
import org.jcontrast.loss.NegativeSet;
import org.jcontrast.loss.Selection;
import picocli.CommandLine.Option;

/**
 * The loss and its options, as the commands that train take them (the same names as the
 * {@code loss} command). An option that does not apply to the chosen loss is an error, never
 * silently ignored.
 */
final class LossFlags {
    @Option(names = "--loss", paramLabel = "NAME",
            description = "ntxent, dcl, dclw, hard, simple, hardsimple, infonce, supcon or clip (train: ntxent by "
                    + "default).")
    String lossName;

    @Option(names = "--temperature", paramLabel = "T",
            description = "τ (default: the loss's own, e.g. 0.5 for ntxent, 0.1 for dcl and dclw, 0.07 for clip).")
    Double temperature;

    @Option(names = "--top-k", paramLabel = "K", description = "hard, hardsimple: keep the K most similar negatives.")
    Integer topK;

    @Option(names = "--quantile", paramLabel = "A",
            description = "hard, hardsimple: keep the negatives in the upper A-quantile (0 < A ≤ 1).")
    Double quantile;

    @Option(names = "--negative-set", paramLabel = "all|cross",
            description = "hard, simple, hardsimple: negatives from both views (all, default) or the other view only.")
    String negativeSet;

    @Option(names = "--lambda", paramLabel = "L",
            description = "simple, hardsimple: weight of the negatives (default 1 / number of negatives summed).")
    Double lambda;

    @Option(names = "--sigma", paramLabel = "S", description = "dclw: σ of the von Mises–Fisher weight (default 0.5).")
    Double sigma;

    @Option(names = "--weight-gradient", description = "dclw: let the gradient flow through the weight.")
    boolean weightGradient;

    @Option(names = "--clamp-weight", description = "dclw: clamp the weight at 0.")
    boolean clampWeight;

    @Option(names = "--no-rescale", description = "supcon: do not multiply the loss by τ (lightly does by default).")
    boolean noRescale;

    @Option(names = "--symmetric", description = "infonce: average both directions.")
    boolean symmetric;

    /** True when any option was given. */
    boolean anyGiven() {
        return lossName != null || temperature != null || topK != null || quantile != null || negativeSet != null
                || lambda != null || sigma != null || weightGradient || clampWeight || noRescale || symmetric;
    }

    /** The spec the options describe ({@code fallback} when no loss is named). */
    LossSpec spec(LossKind fallback) {
        return builder(fallback).build();
    }

    /**
     * The options as a builder of the named loss ({@code fallback} when none is named), to complete
     * before {@code build()}, which refuses an option the loss does not have.
     */
    LossSpec.Builder builder(LossKind fallback) {
        LossKind kind = lossName == null ? fallback : LossKind.fromName(lossName);
        return builder(kind, temperature);
    }

    /** The options as a builder of {@code kind} with the temperature {@code tau} (null: the kind's default). */
    LossSpec.Builder builder(LossKind kind, Double tau) {
        LossSpec.Builder b = LossSpec.builder(kind);
        if (tau != null) {
            if (!kind.usesTemperature()) {
                throw new IllegalArgumentException("--temperature: " + kind.cliName() + " has no temperature");
            }
            b.temperature(Inputs.temperature(tau));
        }
        if (topK != null && quantile != null) {
            throw new IllegalArgumentException("--top-k and --quantile: give one of them, not both");
        }
        if (topK != null) {
            b.selection(Selection.topK(topK));
        }
        if (quantile != null) {
            b.selection(Selection.quantile(quantile));
        }
        if (negativeSet != null) {
            b.negatives(switch (negativeSet.toLowerCase(Locale.ROOT)) {
                case "all" -> NegativeSet.ALL;
                case "cross" -> NegativeSet.CROSS;
                default -> throw new IllegalArgumentException("--negative-set must be all or cross, got '"
                        + negativeSet + "'");
            });
        }
        if (lambda != null) {
            b.lambda(lambda);
        }
        if (sigma != null || weightGradient || clampWeight) {
            only(kind, LossKind.DCLW, "--sigma, --weight-gradient and --clamp-weight");
            b.weightGradient(weightGradient).clampWeight(clampWeight);
            if (sigma != null) {
                b.sigma(sigma);
            }
        }
        if (noRescale) {
            only(kind, LossKind.SUPCON, "--no-rescale");
            b.rescale(false);
        }
        if (symmetric) {
            only(kind, LossKind.INFONCE, "--symmetric");
            b.symmetric(true);
        }
        return b;
    }

    private static void only(LossKind kind, LossKind applies, String options) {
        if (kind != applies) {
            throw new IllegalArgumentException(options + " apply to " + applies.cliName() + " only, not "
                    + kind.cliName());
        }
    }
}
