package org.jcontrast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.jcontrast.io.Npy;
import org.jcontrast.metrics.Metrics;
import org.jcontrast.metrics.PairMetrics;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jcontrast metrics}: every metric the inputs allow, the raw values, and one-line errors. */
class MetricsCommandTest {
    private static final int N = 6, D = 4;

    @TempDir
    Path dir;
    private Tensor z1;
    private Tensor z2;
    private Path f1;
    private Path f2;

    @BeforeEach
    void views() throws IOException {
        SplittableRandom r = new SplittableRandom(7);
        z1 = Tensor.randn(r, N, D);
        z2 = Tensor.randn(r, N, D);
        f1 = dir.resolve("z1.npy");
        f2 = dir.resolve("z2.npy");
        Npy.write(f1, z1);
        Npy.write(f2, z2);
    }

    @Test
    void everyMetricWithViewsAndLabels() throws IOException {
        int[] labels = {0, 1, 0, 2, 1, 0};
        Path y = dir.resolve("y.npy");
        Npy.writeLabels(y, labels);
        Path raw = dir.resolve("raw");
        CliRun run = CliRun.of("metrics", "--embeddings", f1.toString(), "--views", f2.toString(), "--labels",
                y.toString(), "--temperature", "0.2", "--raw-out", raw.toString(), "--json").ok();
        PairMetrics pairs = Metrics.pairs(z1, z2, 0.2);
        assertEquals(Metrics.uniformity(z1, 2), run.number("uniformity"), 1e-12);
        assertEquals(Metrics.alignment(z1, z2), run.number("alignment"), 1e-12);
        assertEquals(Metrics.tolerance(z1, labels), run.number("tolerance"), 1e-12);
        assertEquals(pairs.positiveMoments().mean(), run.number("positive_similarity_mean"), 1e-12);
        assertEquals(pairs.topNegativeMoments().mean(), run.number("top10_negative_similarity_mean"), 1e-12);
        assertEquals(pairs.npcMoments().mean(), run.number("npc_multiplier_mean"), 1e-12);
        assertEquals(pairs.npcMoments().cv(), run.number("npc_multiplier_cv"), 1e-12);
        assertEquals(pairs.infoNceBound(), run.number("infonce_mi_bound"), 1e-12);
        assertEquals(Math.log(2 * N - 1) - run.number("ntxent"), run.number("infonce_mi_bound"), 1e-12);
        assertEquals("[12, 10]", Npy.readTensor(raw.resolve("top10_negative_similarity.npy")).shapeString());
        assertEquals("[12]", Npy.readTensor(raw.resolve("npc_multiplier.npy")).shapeString());
        assertEquals("[12, 12]", Npy.readTensor(raw.resolve("relative_penalty.npy")).shapeString());
        assertEquals((float) pairs.positiveSimilarity()[3],
                Npy.readTensor(raw.resolve("positive_similarity.npy")).get(3));
    }

    @Test
    void embeddingsAloneGiveUniformityOnly() {
        CliRun run = CliRun.of("metrics", "--embeddings", f1.toString()).ok();
        assertTrue(run.out().contains("uniformity"), run.out());
        assertFalse(run.out().contains("alignment"), run.out());
        assertFalse(run.out().contains("tolerance"), run.out());
    }

    @Test
    void aToleranceWithoutSharedLabelsIsReportedAsUndefined() throws IOException {
        Path y = dir.resolve("distinct.npy");
        Npy.writeLabels(y, new int[] {0, 1, 2, 3, 4, 5});
        assertTrue(CliRun.of("metrics", "--embeddings", f1.toString(), "--labels", y.toString()).ok().out()
                .contains("n/a (no two rows share a label)"));
        assertTrue(Double.isNaN(CliRun.of("metrics", "--embeddings", f1.toString(), "--labels", y.toString(),
                "--json").ok().number("tolerance")));
    }

    @Test
    void badInputIsOneLineAndANonZeroExit() throws IOException {
        String e = f1.toString(), v = f2.toString();
        CliRun.of("metrics", "--embeddings", e, "--temperature", "0").failsWith("--temperature must be a positive");
        CliRun.of("metrics", "--embeddings", e, "--temperature", "NaN").failsWith("--temperature");
        CliRun.of("metrics").failsWith("--embeddings");
        Path none = dir.resolve("none.npy");
        CliRun.of("metrics", "--embeddings", none.toString()).failsWith("not found: " + none);
        Path y = dir.resolve("y.npy");
        Npy.writeLabels(y, new int[] {0, 1, 2});
        CliRun.of("metrics", "--embeddings", e, "--labels", y.toString()).failsWith("3 labels for 6 rows");
        Path wide = dir.resolve("wide.npy");
        Npy.write(wide, Tensor.zeros(N, D + 1));
        CliRun.of("metrics", "--embeddings", e, "--views", wide.toString()).failsWith("same shape");
        Path nan = dir.resolve("nan.npy");
        Tensor bad = z2.copy();
        bad.set(4, 0, Float.NaN);
        Npy.write(nan, bad);
        CliRun.of("metrics", "--embeddings", e, "--views", nan.toString()).failsWith("z2 row 4 has NaN");
        Path zero = dir.resolve("zero.npy");
        Tensor z = z1.copy();
        for (int j = 0; j < D; j++) {
            z.set(5, j, 0f);
        }
        Npy.write(zero, z);
        CliRun.of("metrics", "--embeddings", zero.toString()).failsWith("z row 5 has zero norm");
        Path one = dir.resolve("one.npy");
        Npy.write(one, z1.rows(0, 1));
        CliRun.of("metrics", "--embeddings", one.toString()).failsWith("at least 2 rows");
        Path text = dir.resolve("text.npy");
        Files.writeString(text, "\u0093NUMPY garbage");
        CliRun.of("metrics", "--embeddings", text.toString(), "--views", v).failsWith("text.npy");
    }
}
