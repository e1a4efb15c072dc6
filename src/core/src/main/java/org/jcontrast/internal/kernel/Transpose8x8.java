package org.jcontrast.internal.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transposes an 8×8 block of floats in 256-bit registers, for the kernel copies whose own vectors
 * are at least that wide (so the hardware has them). One class for every copy: its vectors are
 * 256 bits whatever the copy's width, so its profiles hold one vector type. Stateless and
 * thread-safe.
 */
final class Transpose8x8 {
    private static final VectorSpecies<Float> S8 = FloatVector.SPECIES_256;
    private static final VectorShuffle<Float> XOR1 = VectorShuffle.fromOp(S8, i -> i ^ 1);
    private static final VectorShuffle<Float> XOR2 = VectorShuffle.fromOp(S8, i -> i ^ 2);
    private static final VectorShuffle<Float> XOR4 = VectorShuffle.fromOp(S8, i -> i ^ 4);
    private static final VectorMask<Float> BIT1 = VectorMask.fromLong(S8, 0b10101010);
    private static final VectorMask<Float> BIT2 = VectorMask.fromLong(S8, 0b11001100);
    private static final VectorMask<Float> BIT4 = VectorMask.fromLong(S8, 0b11110000);

    private Transpose8x8() {
    }

    /** Whether a kernel copy with vectors of {@code copy} may use this class: the hardware then has 256-bit vectors. */
    static boolean fits(VectorSpecies<Float> copy) {
        return copy.vectorBitSize() >= S8.vectorBitSize();
    }

    /**
     * Writes the transpose of the 8×8 block at {@code src[s]} (rows {@code lds} apart) to
     * {@code dst[d]} (rows {@code ldd} apart); every row is read before any is written, so the two
     * may overlap. Three rounds swap the off-diagonal 4×4, 2×2 and 1×1 sub-blocks of row pairs h
     * apart: the pair's first row takes its partner's lanes with bit h set (a blend of the partner
     * with lanes swapped h apart), the second its partner's lanes with bit h clear. 24 lane swaps
     * and 24 blends for 64 values, where four 4×4 blocks of 128-bit vectors take 32 of each and
     * twice the loads and stores. Written out in one method: a vector that crosses a call C2 does
     * not inline is boxed.
     */
    static void write(float[] src, int s, int lds, float[] dst, int d, int ldd) {
        FloatVector r0 = FloatVector.fromArray(S8, src, s);
        FloatVector r1 = FloatVector.fromArray(S8, src, s + lds);
        FloatVector r2 = FloatVector.fromArray(S8, src, s + 2 * lds);
        FloatVector r3 = FloatVector.fromArray(S8, src, s + 3 * lds);
        FloatVector r4 = FloatVector.fromArray(S8, src, s + 4 * lds);
        FloatVector r5 = FloatVector.fromArray(S8, src, s + 5 * lds);
        FloatVector r6 = FloatVector.fromArray(S8, src, s + 6 * lds);
        FloatVector r7 = FloatVector.fromArray(S8, src, s + 7 * lds);
        FloatVector q0 = r0.blend(r4.rearrange(XOR4), BIT4), q4 = r0.rearrange(XOR4).blend(r4, BIT4);
        FloatVector q1 = r1.blend(r5.rearrange(XOR4), BIT4), q5 = r1.rearrange(XOR4).blend(r5, BIT4);
        FloatVector q2 = r2.blend(r6.rearrange(XOR4), BIT4), q6 = r2.rearrange(XOR4).blend(r6, BIT4);
        FloatVector q3 = r3.blend(r7.rearrange(XOR4), BIT4), q7 = r3.rearrange(XOR4).blend(r7, BIT4);
        FloatVector p0 = q0.blend(q2.rearrange(XOR2), BIT2), p2 = q0.rearrange(XOR2).blend(q2, BIT2);
        FloatVector p1 = q1.blend(q3.rearrange(XOR2), BIT2), p3 = q1.rearrange(XOR2).blend(q3, BIT2);
        FloatVector p4 = q4.blend(q6.rearrange(XOR2), BIT2), p6 = q4.rearrange(XOR2).blend(q6, BIT2);
        FloatVector p5 = q5.blend(q7.rearrange(XOR2), BIT2), p7 = q5.rearrange(XOR2).blend(q7, BIT2);
        p0.blend(p1.rearrange(XOR1), BIT1).intoArray(dst, d);
        p0.rearrange(XOR1).blend(p1, BIT1).intoArray(dst, d + ldd);
        p2.blend(p3.rearrange(XOR1), BIT1).intoArray(dst, d + 2 * ldd);
        p2.rearrange(XOR1).blend(p3, BIT1).intoArray(dst, d + 3 * ldd);
        p4.blend(p5.rearrange(XOR1), BIT1).intoArray(dst, d + 4 * ldd);
        p4.rearrange(XOR1).blend(p5, BIT1).intoArray(dst, d + 5 * ldd);
        p6.blend(p7.rearrange(XOR1), BIT1).intoArray(dst, d + 6 * ldd);
        p6.rearrange(XOR1).blend(p7, BIT1).intoArray(dst, d + 7 * ldd);
    }

    /** Adds the 64 values at {@code block} (eight rows of eight) to the 8×8 block at {@code dst[d]}. */
    static void add(float[] block, float[] dst, int d, int ldd) {
        for (int r = 0; r < 8; r++, d += ldd) {
            FloatVector.fromArray(S8, block, 8 * r).add(FloatVector.fromArray(S8, dst, d)).intoArray(dst, d);
        }
    }
}
