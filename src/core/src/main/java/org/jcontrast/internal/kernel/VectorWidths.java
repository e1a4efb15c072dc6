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
     * The species of a kernel copy: its class data, or the widest one for the template itself.
     * Called from the kernel class's static initialiser with its own {@code MethodHandles.lookup()}.
     */
    @SuppressWarnings("unchecked")
    static VectorSpecies<Float> species(MethodHandles.Lookup own) {
        try {
            VectorSpecies<Float> s = MethodHandles.classData(own, "_", VectorSpecies.class);
            return s != null ? s : speciesOf(widest());
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
     * loaded as a hidden class of its own whose species is {@code bits} wide.
     */
    static <T> T instance(Class<? extends T> template, Class<T> type, int bits) {
        try (InputStream in = template.getResourceAsStream(template.getSimpleName() + ".class")) {
            if (in == null) {
                throw new IllegalStateException("the class file of " + template.getName() + " is not readable");
            }
            MethodHandles.Lookup copy = MethodHandles.lookup().defineHiddenClassWithClassData(
                    in.readAllBytes(), speciesOf(bits), true);
            return type.cast(copy.findConstructor(copy.lookupClass(), MethodType.methodType(void.class)).invoke());
        } catch (Throwable e) { // the constructor's invoke declares Throwable
            throw new IllegalStateException("the " + bits + "-bit copy of " + template.getName() + " failed to load", e);
        }
    }
}
