package org.jcontrast.autograd;

import java.util.List;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.internal.tensor.Shapes;
import org.jcontrast.tensor.Tensor;

/**
 * Matrix products on the SIMD GEMM kernels; their gradients are matrix products too.
 * <p>Stateless and thread-safe; the {@link Variable}s it builds are not (one graph per thread).
 */
public final class Products {
    private Products() {
    }

    /**
     * A·B.
     *
     * @param a the left matrix
     * @param b the right matrix
     * @return the product
     */
    public static Variable matmul(Variable a, Variable b) {
        return matmul(a, false, b, false);
    }

    /**
     * op(A)·op(B), where op transposes when asked. With C = op(A)·op(B) and G = ∂L/∂C, the
     * gradient of op(A) is G·op(B)ᵀ and that of op(B) is op(A)ᵀ·G; transposing those back gives
     * one more product each, whichever the transposes.
     *
     * @param a the left matrix
     * @param transA whether A is transposed
     * @param b the right matrix
     * @param transB whether B is transposed
     * @return the product
     */
    public static Variable matmul(Variable a, boolean transA, Variable b, boolean transB) {
        Tensor av = a.value(), bv = b.value();
        Tensor c = Ops.matmul(av, transA, bv, transB);
        return Variable.fromOp("matmul", c, List.of(a, b), List.of(av, bv), g -> new Tensor[] {
                !a.requiresGrad() ? null
                        : transA ? Ops.matmul(bv, transB, g, true) : Ops.matmul(g, false, bv, !transB),
                !b.requiresGrad() ? null
                        : transB ? Ops.matmul(g, true, av, transA) : Ops.matmul(av, !transA, g, false)});
    }

    /**
     * The symmetric product Z·Zᵀ (half the work of a general product). Z enters twice, so its
     * gradient is G·Z + Gᵀ·Z.
     *
     * @param z the matrix
     * @return Z·Zᵀ
     */
    public static Variable gram(Variable z) {
        Tensor zv = z.value();
        Shapes.requireMatrix(zv, "gram");
        return Variable.fromOp("gram", Ops.gram(zv), List.of(z), List.of(zv), g -> {
            Tensor dz = Tensor.zeros(zv.shape());
            Ops.matmulInto(1f, g, false, zv, false, 0f, dz);
            Ops.matmulInto(1f, g, true, zv, false, 1f, dz);
            return new Tensor[] {dz};
        });
    }
}
