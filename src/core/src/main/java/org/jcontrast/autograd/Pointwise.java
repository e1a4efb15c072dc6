package org.jcontrast.autograd;

import org.jcontrast.internal.tensor.Shapes;
import org.jcontrast.tensor.Tensor;

/** Plain loops over same-shape tensors, for the elementwise maps that have no SIMD kernel. */
final class Pointwise {
    private Pointwise() {
    }

    /** A function of one float. */
    @FunctionalInterface
    interface Unary {
        float apply(float x);
    }

    /** A function of two floats. */
    @FunctionalInterface
    interface Binary {
        float apply(float x, float y);
    }

    /** A function of three floats. */
    @FunctionalInterface
    interface Ternary {
        float apply(float x, float y, float z);
    }

    static Tensor map(Tensor x, Unary f) {
        Tensor out = Tensor.zeros(x.shape());
        float[] xd = x.array(), od = out.array();
        for (int i = 0, xo = x.offset(); i < od.length; i++) {
            od[i] = f.apply(xd[xo + i]);
        }
        out.markModified();
        return out;
    }

    static Tensor zip(Tensor x, Tensor y, Binary f) {
        Shapes.requireSame(x, y, "zip");
        Tensor out = Tensor.zeros(x.shape());
        float[] xd = x.array(), yd = y.array(), od = out.array();
        for (int i = 0, xo = x.offset(), yo = y.offset(); i < od.length; i++) {
            od[i] = f.apply(xd[xo + i], yd[yo + i]);
        }
        out.markModified();
        return out;
    }

    static Tensor zip(Tensor x, Tensor y, Tensor z, Ternary f) {
        Shapes.requireSame(x, y, "zip");
        Shapes.requireSame(x, z, "zip");
        Tensor out = Tensor.zeros(x.shape());
        float[] xd = x.array(), yd = y.array(), zd = z.array(), od = out.array();
        for (int i = 0, xo = x.offset(), yo = y.offset(), zo = z.offset(); i < od.length; i++) {
            od[i] = f.apply(xd[xo + i], yd[yo + i], zd[zo + i]);
        }
        out.markModified();
        return out;
    }
}
