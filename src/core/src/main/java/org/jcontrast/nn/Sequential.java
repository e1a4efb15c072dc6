package org.jcontrast.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcontrast.autograd.Variable;
import org.jcontrast.optim.Parameter;
import org.jcontrast.tensor.Tensor;

/**
 * Layers applied one after another.
 * <p>Not thread-safe, like the layers it holds.
 */
public final class Sequential implements Layer {
    private final List<Layer> layers;

    /**
     * The layers, in order.
     *
     * @param layers the layers, applied first to last
     */
    public Sequential(List<Layer> layers) {
        this.layers = List.copyOf(layers);
    }

    /**
     * Applies the layers in order. In training, a {@link BatchNorm} directly followed by a
     * {@link Relu} runs as one operation: the same values and gradients, one pass over the batch
     * and one copy of it fewer each way.
     */
    @Override
    public Variable forward(Variable x, boolean training) {
        Variable out = x;
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            boolean reluNext = i + 1 < layers.size() && layers.get(i + 1) instanceof Relu;
            if (training && reluNext && layer instanceof BatchNorm norm) {
                out = norm.forwardRelu(out);
                i++;
            } else {
                out = layer.forward(out, training);
            }
        }
        return out;
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> out = new ArrayList<>();
        for (Layer layer : layers) {
            out.addAll(layer.parameters());
        }
        return out;
    }

    @Override
    public Map<String, Tensor> buffers() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Layer layer : layers) {
            out.putAll(layer.buffers());
        }
        return out;
    }

    /**
     * The layers.
     *
     * @return the layers
     */
    public List<Layer> layers() {
        return layers;
    }
}
