package org.jcontrast.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jcontrast.io.Npy;
import org.jcontrast.loss.BatchInputs;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossResult;
import org.jcontrast.loss.LossSpec;
import org.jcontrast.loss.Losses;
import org.jcontrast.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jcontrast loss}: one loss and its gradients on embeddings from .npy files. */
@Command(name = "loss", mixinStandardHelpOptions = true,
        description = "Compute a contrastive loss of two views saved with np.save, and optionally its gradients "
                + "with respect to the raw embeddings (to compare with PyTorch's autograd).")
final class LossCommand implements Callable<Integer> {
    @Mixin
    LossFlags options;

    @Mixin
    LossInputFlags inputs;

    @Option(names = "--grad-out", paramLabel = "DIR",
            description = "Write DIR/grad1.npy and DIR/grad2.npy, the gradients with respect to z1 and z2.")
    Path gradOut;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        LossSpec spec = inputs.spec(options);
        if (gradOut != null) {
            Inputs.outputFolder(gradOut, "--grad-out");
        }
        BatchInputs batch = inputs.batch();
        Tensor z1 = inputs.view(0);
        Tensor z2 = inputs.view(1);
        LossResult r = Losses.create(spec).compute(z1, z2, batch);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("loss", r.loss());
        out.put("kind", spec.kind().cliName());
        if (spec.kind().usesTemperature()) {
            out.put("temperature", spec.temperature());
        }
        out.put("n", z1.dim(0));
        out.put("d", z1.dim(1));
        if (spec.kind() == LossKind.CLIP) {
            out.put("grad_logit_scale", r.gradLogitScale());
        }
        if (gradOut != null) {
            Files.createDirectories(gradOut);
            Path g1 = gradOut.resolve("grad1.npy"), g2 = gradOut.resolve("grad2.npy");
            Npy.write(g1, r.grad1());
            Npy.write(g2, r.grad2());
            out.put("grad1", g1.toString());
            out.put("grad2", g2.toString());
        }
        if (json) {
            System.out.println(Json.object(out));
        } else {
            System.out.println("loss  " + r.loss() + "  (" + spec.describe() + ", N=" + z1.dim(0) + ", d=" + z1.dim(1) + ")");
            if (spec.kind() == LossKind.CLIP) {
                System.out.println("dL/dt " + r.gradLogitScale() + "  (t = log(1/τ), the logit scale)");
            }
            if (gradOut != null) {
                System.out.println("wrote " + out.get("grad1") + " and " + out.get("grad2"));
            }
        }
        return 0;
    }
}
