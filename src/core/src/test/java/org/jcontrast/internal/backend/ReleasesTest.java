package org.jcontrast.internal.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReleasesTest {

    @Test
    void everyStepRunsAndTheFirstFailureCarriesTheLaterOnes() {
        List<String> ran = new ArrayList<>();
        IllegalStateException first = new IllegalStateException("first");
        IllegalArgumentException second = new IllegalArgumentException("second");
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> Releases.all(List.of(
                () -> ran.add("a"),
                () -> {
                    ran.add("b");
                    throw first;
                },
                () -> ran.add("c"),
                () -> {
                    ran.add("d");
                    throw second;
                })));
        assertSame(first, thrown);
        assertArrayEquals(new Throwable[] {second}, thrown.getSuppressed());
        assertEquals(List.of("a", "b", "c", "d"), ran);
    }

    @Test
    void withoutFailuresNothingIsThrown() {
        List<String> ran = new ArrayList<>();
        Releases.all(List.of(() -> ran.add("a"), () -> ran.add("b")));
        assertEquals(List.of("a", "b"), ran);
    }
}
