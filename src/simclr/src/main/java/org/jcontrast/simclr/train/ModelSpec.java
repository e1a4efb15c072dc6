package org.jcontrast.simclr.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jcontrast.nn.BatchNorm;
import org.jcontrast.nn.Layer;
import org.jcontrast.nn.Linear;
import org.jcontrast.nn.Relu;
import org.jcontrast.nn.Sequential;
import org.jcontrast.simclr.data.Seeds;

/**
 * The shape of a SimCLR network: an MLP encoder whose last hidden layer is the representation,
 * and SimCLR's projection head Linear → (BatchNorm) → ReLU → Linear on top of it. With batch
 * norm, every linear layer but the head's last is followed by one (and has no bias, which the
 * batch norm would remove anyway).
 * <p>Immutable and thread-safe.
 *
 * @param inputs        input columns (pixels)
 * @param encoderWidths widths of the encoder's hidden layers, each followed by (BatchNorm and) ReLU;
 *                      the last one is the representation's dimension
 * @param headWidth     width of the projection head's hidden layer
 * @param projectionDim dimension of the embeddings the loss sees
 * @param batchNorm     whether to use batch norm
 */
public record ModelSpec(int inputs, List<Integer> encoderWidths, int headWidth, int projectionDim,
                        boolean batchNorm) {
    /** Checks the sizes. */
    public ModelSpec {
        encoderWidths = List.copyOf(encoderWidths);
        if (inputs < 1 || encoderWidths.isEmpty() || headWidth < 1 || projectionDim < 1
                || encoderWidths.stream().anyMatch(w -> w < 1)) {
            throw new IllegalArgumentException("a model needs positive sizes and at least one encoder layer, got "
                    + inputs + " inputs, encoder " + encoderWidths + ", head " + headWidth + ", projection "
                    + projectionDim);
        }
    }

    /**
     * The dimension of the representation (the encoder's output).
     *
     * @return the dimension of the representation (the encoder's output)
     */
    public int representationDim() {
        return encoderWidths.get(encoderWidths.size() - 1);
    }

    /**
     * The network with initial weights drawn from {@code seed}.
     *
     * @param seed the seed of the initial weights
     * @return the network with initial weights drawn from {@code seed}
     */
    public SimClrModel build(long seed) {
        SplittableRandom random = Seeds.random(seed, 0x1A7E5L);
        List<Layer> encoder = new ArrayList<>();
        int in = inputs;
        for (int i = 0; i < encoderWidths.size(); i++) {
            int out = encoderWidths.get(i);
            block(encoder, "encoder." + i, in, out, random);
            in = out;
        }
        List<Layer> head = new ArrayList<>();
        block(head, "head.0", in, headWidth, random);
        head.add(new Linear("head.1", headWidth, projectionDim, true, random));
        return new SimClrModel(this, new Sequential(encoder), new Sequential(head));
    }

    /** Linear, (BatchNorm,) ReLU. */
    private void block(List<Layer> layers, String name, int in, int out, SplittableRandom random) {
        layers.add(new Linear(name, in, out, !batchNorm, random));
        if (batchNorm) {
            layers.add(new BatchNorm(name + ".bn", out));
        }
        layers.add(new Relu());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("MLP ").append(inputs);
        for (int w : encoderWidths) {
            sb.append('→').append(w);
        }
        return sb.append(" + head ").append(representationDim()).append('→').append(headWidth).append('→')
                .append(projectionDim)
                .append(batchNorm ? ", batch norm" : "").toString();
    }
}
