package org.jcontrast.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jcontrast.loss.BatchInputs;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossSpec;
import org.jcontrast.loss.MemoryBank;
import org.jcontrast.loss.Normalize;
import org.jcontrast.tensor.Tensor;
import picocli.CommandLine.Option;

/**
 * What the commands that compute one loss on arrays ({@code loss}, {@code gradcheck}) read: the two
 * views, SupCon's labels or InfoNCE's bank, and how rows are normalised.
 */
final class LossInputFlags {
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

    /** View {@code i} (0 or 1) of {@code --views}. */
    Tensor view(int i) throws IOException {
        return Inputs.matrix(views.get(i), "--views");
    }

    /** The spec {@code options} and the normalisation flags describe; an option the loss lacks is an error. */
    LossSpec spec(LossFlags options) {
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
    BatchInputs batch() throws IOException {
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
