package org.jcontrast.autograd;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Misuse fails at the call that made it, with a message naming the operation and the shapes or indices. */
class OpErrorsTest {

    private static Variable p(int... shape) {
        return Variable.parameter(Tensor.zeros(shape));
    }

    private static void assertMessage(Executable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should mention '" + part + "'");
        }
    }

    @Test
    void shapesThatDoNotBroadcast() {
        assertMessage(() -> Arithmetic.add(p(3, 4), p(5)), "add", "[3, 4]", "[5]", "broadcast");
        assertMessage(() -> Arithmetic.div(p(3, 4), p(3)), "div", "[3, 4]", "[3]");
        assertMessage(() -> Arithmetic.mul(p(2, 3), p(3, 2)), "mul", "[2, 3]", "[3, 2]");
    }

    @Test
    void productsNeedMatchingInnerDimensions() {
        assertMessage(() -> Products.matmul(p(3, 4), p(5, 6)), "matmul", "[3, 4]", "[5, 6]");
        assertMessage(() -> Products.matmul(p(3, 4), true, p(4, 6), false), "matmul", "[3, 4]ᵀ");
        assertMessage(() -> Products.gram(p(4)), "gram", "[4]");
    }

    @Test
    void rowOperationsNeedMatrices() {
        assertMessage(() -> Softmax.logSumExpRows(p(4)), "logSumExpRows", "[4]");
        assertMessage(() -> Reductions.sumRows(p(4)), "sumRows", "[4]");
        assertMessage(() -> Layout.transpose(p()), "transpose");
    }

    @Test
    void indicesOutOfRange() {
        assertMessage(() -> Indexing.pick(p(3, 4), new int[] {0, 1}), "pick", "2 indices for 3 rows");
        assertMessage(() -> Indexing.pick(p(2, 4), new int[] {0, 4}), "pick", "index 1 is 4", "4 columns");
        assertMessage(() -> Indexing.selectRows(p(2, 4), new int[] {-1}), "selectRows", "-1");
        assertMessage(() -> Indexing.selectCols(p(2, 4), new int[] {9}), "selectCols", "9");
        assertMessage(() -> Indexing.diagonal(p(2, 3)), "diagonal", "square", "[2, 3]");
        assertMessage(() -> Layout.sliceRows(p(2, 3), 1, 3), "[1, 3)", "[2, 3]");
    }

    @Test
    void partsThatDoNotFit() {
        assertMessage(() -> Layout.concatRows(p(2, 3), p(2, 4)), "concatRows", "3 columns", "[2, 4]");
        assertMessage(() -> Layout.concatCols(p(2, 3), p(3, 3)), "concatCols", "2 rows", "[3, 3]");
        assertMessage(Layout::concatRows, "at least one part");
        assertMessage(() -> Layout.reshape(p(2, 3), 4, 2), "[2, 3]", "[4, 2]");
        assertMessage(() -> Indexing.maskedFill(p(2, 3), Tensor.zeros(3, 2), 0f), "maskedFill", "[3, 2]");
    }

    @Test
    void badArguments() {
        assertMessage(() -> Arithmetic.clamp(p(2), 1f, 0f), "clamp", "lo ≤ hi");
        assertMessage(() -> Normalization.normalizeRows(p(2, 2), 0f), "normalizeRows", "eps");
        assertMessage(() -> Normalization.batchNorm(p(1, 3), p(3), p(3), 1e-5f), "batchNorm", "at least 2 rows");
        assertMessage(() -> Normalization.batchNorm(p(4, 3), p(2), p(3), 1e-5f), "batchNorm", "gamma", "[3]");
        assertMessage(() -> Normalization.batchNorm(p(4, 3), p(3), p(3), 0f), "batchNorm", "eps");
        assertMessage(() -> Selection.topK(Tensor.zeros(2, 2), Tensor.zeros(2, 2), 0), "topK", "k ≥ 1");
        assertMessage(() -> Selection.topKWithTies(Tensor.zeros(2, 2), Tensor.zeros(2, 3), 1), "[2, 2]", "[2, 3]");
        Tensor nan = Tensor.zeros(2, 2);
        nan.set(1, 0, Float.NaN);
        assertMessage(() -> Selection.topK(nan, Tensor.full(1f, 2, 2), 1), "topK", "row 1, column 0", "NaN");
    }
}
