package org.jcontrast.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jcontrast.io.Npy;
import org.jcontrast.loss.BatchInputs;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossResult;
import org.jcontrast.loss.LossSpec;
import org.jcontrast.loss.Losses;
import org.jcontrast.loss.MemoryBank;
import org.jcontrast.loss.Normalize;
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

    @Option(names = "--views", required = true, arity = "2", paramLabel = "FILE",
            description = "The two views z1.npy z2.npy, [N, d] float32 or float64 each (CLIP: image, text).")
    List<Path> views;

    @Option(names = "--labels", paramLabel = "FILE", description = "supcon: class labels y.npy, one per row.")
    Path labels;

    @Option(names = "--bank", paramLabel = "FILE", description = "infonce: the negatives bank.npy, [M, d].")
    Path bank;

    @Option(names = "--eps", paramLabel = "E",
            description = "Normalise as F.normalize(z, eps=E), accepting zero rows (default: reject them).")
    Float eps;

    @Option(names = "--normalized", description = "The rows are already unit-norm: use them as given.")
    boolean normalized;

    @Option(names = "--grad-out", paramLabel = "DIR",
            description = "Write DIR/grad1.npy and DIR/grad2.npy, the gradients with respect to z1 and z2.")
    Path gradOut;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        LossSpec spec = spec();
        if (gradOut != null) {
            Inputs.outputFolder(gradOut, "--grad-out");
        }
        BatchInputs batch = batch();
        Tensor z1 = Inputs.matrix(views.get(0), "--views");
        Tensor z2 = Inputs.matrix(views.get(1), "--views");
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

    /** The spec the options describe; an option that does not apply to the loss is an error, never ignored. */
    private LossSpec spec() {
        if (options.lossName == null) {
            throw new IllegalArgumentException("--loss is required: ntxent, dcl, dclw, hard, simple, hardsimple, "
                    + "infonce, supcon or clip");
        }
        LossSpec.Builder b = options.builder(LossKind.NTXENT);
        if (eps != null && normalized) {
            throw new IllegalArgumentException("--eps and --normalized: give one of them, not both");
        }
        if (eps != null) {
            b.normalize(Normalize.likePyTorch(eps));
        }
        if (normalized) {
            b.normalize(Normalize.unitRows());
        }
        return b.build();
    }

    /** The labels and bank of {@code --labels} and {@code --bank}. */
    private BatchInputs batch() throws IOException {
        if (labels != null && bank != null) {
            throw new IllegalArgumentException("--labels (supcon) and --bank (infonce): give the one your loss takes");
        }
        if (labels != null) {
            return BatchInputs.labels(Inputs.labels(labels, "--labels"));
        }
        if (bank != null) {
            Tensor b = Inputs.matrix(bank, "--bank");
            if (b.dim(0) == 0) {
                throw new IllegalArgumentException("--bank " + bank + ": the bank has no rows");
            }
            MemoryBank mb = new MemoryBank(b.dim(0), b.dim(1));
            mb.enqueue(b);
            return BatchInputs.bank(mb);
        }
        return BatchInputs.none();
    }
}
