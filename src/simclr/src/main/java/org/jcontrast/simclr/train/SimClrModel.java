package org.jcontrast.simclr.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcontrast.autograd.NoGrad;
import org.jcontrast.autograd.Variable;
import org.jcontrast.nn.Sequential;
import org.jcontrast.optim.Parameter;
import org.jcontrast.tensor.Tensor;

/**
 * SimCLR's network: an encoder f whose output is the representation h = f(x) used downstream,
 * and a projection head g whose output z = g(h) is what the contrastive loss sees. Build one with
 * {@link ModelSpec#build}.
 * <p>Not thread-safe: training updates its weights and batch-norm statistics in place; use it from
 * one thread at a time.
 */
public final class SimClrModel {
    /** Rows per forward pass when computing representations. */
    private static final int EVAL_BATCH = 1024;
    private final ModelSpec spec;
    private final Sequential encoder;
    private final Sequential head;

    SimClrModel(ModelSpec spec, Sequential encoder, Sequential head) {
        this.spec = spec;
        this.encoder = encoder;
        this.head = head;
    }

    /**
     * The architecture.
     *
     * @return the architecture
     */
    public ModelSpec spec() {
        return spec;
    }

    /**
     * The embeddings z = g(f(x)) of a training batch, on the autograd (batch statistics, updated).
     *
     * @param images a training batch, [B, inputs]
     * @return the embeddings, [B, projection dim], in the graph
     */
    public Variable embed(Tensor images) {
        return head.forward(encoder.forward(Variable.constant(images), true), true);
    }

    /**
     * The frozen representations f(x) of {@code images} [N, inputs], in evaluation mode (running
     * batch-norm statistics), without recording a graph.
     *
     * @param images the images, [N, inputs]
     * @return the representations, [N, representation dim]
     */
    public Tensor represent(Tensor images) {
        return frozen(images, false);
    }

    /**
     * The frozen embeddings g(f(x)), as {@link #represent} but through the head too.
     *
     * @param images the images, [N, inputs]
     * @return the embeddings, [N, projection dim]
     */
    public Tensor project(Tensor images) {
        return frozen(images, true);
    }

    private Tensor frozen(Tensor images, boolean throughHead) {
        images.requireRank(2, "a frozen forward pass");
        int n = images.dim(0);
        Tensor out = Tensor.zeros(n, throughHead ? spec.projectionDim() : spec.representationDim());
        try (NoGrad ignored = NoGrad.enter()) {
            for (int from = 0; from < n; from += EVAL_BATCH) {
                int to = Math.min(n, from + EVAL_BATCH);
                Variable h = encoder.forward(Variable.constant(images.rows(from, to)), false);
                out.rows(from, to).copyFrom((throughHead ? head.forward(h, false) : h).value());
            }
        }
        return out;
    }

    /**
     * Every trained tensor: the encoder's, then the head's.
     *
     * @return every trained tensor: the encoder's, then the head's
     */
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>(encoder.parameters());
        out.addAll(head.parameters());
        return out;
    }

    /**
     * Everything a checkpoint saves of the model: the weights and the batch-norm statistics, by name.
     *
     * @return everything a checkpoint saves of the model: the weights and the batch-norm statistics, by name
     */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Parameter w : parameters()) {
            out.put(w.name(), w.value());
        }
        out.putAll(encoder.buffers());
        out.putAll(head.buffers());
        return out;
    }

    /**
     * Number of trained values.
     *
     * @return number of trained values
     */
    public long parameterCount() {
        long n = 0;
        for (Parameter w : parameters()) {
            n += w.value().size();
        }
        return n;
    }
}
