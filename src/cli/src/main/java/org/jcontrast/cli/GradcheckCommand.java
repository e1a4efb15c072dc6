package org.jcontrast.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import org.jcontrast.loss.Dclw;
import org.jcontrast.loss.LossSpec;
import org.jcontrast.loss.Losses;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testkit.GradCheck;
import org.jcontrast.testkit.GradReport;
import org.jcontrast.testkit.Tolerance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jcontrast gradcheck}: the test kit's gradient check of one loss on two views from .npy files. */
@Command(name = "gradcheck", mixinStandardHelpOptions = true,
        description = {"Check a loss's analytic gradients with respect to both views against central differences of "
                + "the loss itself, at the given arrays (saved with np.save), and print the worst row. Exit status 0 "
                + "when every entry is within the tolerance of its row's scale, 1 when one is not, 2 on bad input.",
                "Keep the rows away from the points where the loss has a kink (a hard loss's top-K boundary, "
                        + "‖z‖ = eps). CLIP's logit-scale gradient is not checked."})
final class GradcheckCommand implements Callable<Integer> {
    @Mixin
    LossFlags options;

    @Mixin
    LossInputFlags inputs;

    @Option(names = "--tolerance", paramLabel = "R", defaultValue = "0.01",
            description = "The allowed error as a fraction of the gradient row's scale (default ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--json", description = "Print the report as one JSON object.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        if (inputs.normalized) {
            throw new IllegalArgumentException("--normalized: the check moves single entries, which takes rows off "
                    + "the unit sphere and the loss refuses them; check the raw rows (leave --normalized out)");
        }
        if (!(tolerance > 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("--tolerance must be a positive finite number, got " + tolerance);
        }
        LossSpec spec = inputs.spec(options);
        if (spec instanceof Dclw d && !d.weightGradient()) {
            throw new IllegalArgumentException("--loss dclw needs --weight-gradient here: without it the backward "
                    + "treats the weight as a constant on purpose, so it is not the loss's gradient");
        }
        Tensor z1 = inputs.view(0);
        Tensor z2 = inputs.view(1);
        GradReport report = GradCheck.of(Losses.create(spec), inputs.batch()).named(spec.describe())
                .tolerance(Tolerance.FLOAT32.withRelative(tolerance)).check(z1, z2);
        System.out.println(json ? report.toJson() : report.toString());
        return report.passed() ? 0 : 1;
    }
}
