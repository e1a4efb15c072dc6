package org.jcontrast.internal.kernel;

import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * One copy of each Vector API kernel class per vector width, so that a width can be chosen per
 * engine and every width the CPU has can be tested in one JVM (as Lucene's {@code tests.vectorsize}).
 *
 * <p>The Vector API compiles to SIMD instructions only where the species is a constant to the JIT,
 * that is a static final field; a species held in an instance field would make every vector a
 * boxed object. So a kernel class is written once, as a template whose species is
 * {@link #species(MethodHandles.Lookup)}, and loaded as a hidden class once per width with that
 * width's species as its class data: each copy has its own constant and its own compiled code.
 * The template classes must not have nested classes (those would be shared, not copied).
 *
 * <p>A copy's class data also carries the rows of its GEMM micro-tile, chosen from the register
 * file ({@link #tileRows()}) or, for tests, given, so that every tile shape runs on every host.
 */
final class VectorWidths {
    /** The widths offered, in bits. */
    private static final int[] WIDTHS = {128, 256, 512};

    private VectorWidths() {
    }

    /** The widest vectors this CPU runs natively, in bits (the preferred species, at most 512). */
    static int widest() {
        return Math.min(512, FloatVector.SPECIES_PREFERRED.vectorBitSize());
    }

    /** The widths this CPU runs natively, narrowest first: 128 and up to {@link #widest()}. */
    static List<Integer> supported() {
        int widest = widest();
        return IntStream.of(WIDTHS).filter(w -> w <= widest).boxed().toList();
    }

    /**
     * The vector registers the JIT allocates from: 32 where the CPU has AVX-512 (its preferred
     * species is 512 bits wide), else 16. A copy with narrower vectors on such a CPU still has 32.
     */
    static int registers() {
        return widest() >= 512 ? 32 : 16;
    }

    /**
     * Rows of the GEMM micro-tile (two vectors wide) for this CPU's register file: 8 rows, 16
     * accumulators, with 32 registers; 4 rows, 8 accumulators, with 16, where 14 of them are busy
     * already and a wider tile makes C2 spill.
     */
    static int tileRows() {
        return registers() >= 32 ? 8 : 4;
    }

    /** The GEMM micro-tile row counts there are: every copy can run each of them, tests do. */
    static List<Integer> allTileRows() {
        return List.of(4, 8);
    }

    /**
     * The species of a kernel copy: its class data, or the widest one for the template itself.
     * Called from the kernel class's static initialiser with its own {@code MethodHandles.lookup()}.
     */
    @SuppressWarnings("unchecked")
    static VectorSpecies<Float> species(MethodHandles.Lookup own) {
        VectorSpecies<Float> s = classData(own, 0, VectorSpecies.class);
        return s != null ? s : speciesOf(widest());
    }

    /** The GEMM micro-tile rows of a kernel copy: its class data, or {@link #tileRows()} for the template. */
    static int tileRows(MethodHandles.Lookup own) {
        Integer rows = classData(own, 1, Integer.class);
        return rows != null ? rows : tileRows();
    }

    private static <T> T classData(MethodHandles.Lookup own, int index, Class<T> type) {
        try {
            return MethodHandles.classData(own, "_", List.class) == null
                    ? null
                    : MethodHandles.classDataAt(own, "_", type, index);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The float species of {@code bits} bits. */
    static VectorSpecies<Float> speciesOf(int bits) {
        return FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(bits));
    }

    /**
     * A new instance of {@code template} (a class of this package with a no-argument constructor),
     * loaded as a hidden class of its own whose species is {@code bits} wide and whose GEMM
     * micro-tile has {@code tileRows} rows.
     */
    static <T> T instance(Class<? extends T> template, Class<T> type, int bits, int tileRows) {
        try (InputStream in = template.getResourceAsStream(template.getSimpleName() + ".class")) {
            if (in == null) {
                throw new IllegalStateException("the class file of " + template.getName() + " is not readable");
            }
            MethodHandles.Lookup copy = MethodHandles.lookup().defineHiddenClassWithClassData(
                    in.readAllBytes(), List.of(speciesOf(bits), tileRows), true);
            return type.cast(copy.findConstructor(copy.lookupClass(), MethodType.methodType(void.class)).invoke());
        } catch (Throwable e) { // the constructor's invoke declares Throwable
            throw new IllegalStateException("the " + bits + "-bit copy of " + template.getName() + " failed to load", e);
        }
    }
}
