package org.jcontrast.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jcontrast.Engine;
import org.jcontrast.testkit.GradCheck;
import org.jcontrast.testkit.GradReport;
import org.junit.jupiter.api.Test;

/** Runs the examples and checks what they claim, on the class path and, in a JVM of their own, on the module path. */
class ExamplesTest {

    @Test
    void lossesOnArraysWriteTheSameGradientsIntoTheCallersBuffers() {
        Map<String, double[]> out = LossesOnArrays.run(PairedEmbeddings.generate(128, 3));
        assertEquals(3, out.size());
        for (Map.Entry<String, double[]> e : out.entrySet()) {
            double[] v = e.getValue();
            assertEquals(v[0], v[2], 0.0, e.getKey() + ": computeInto gives compute's loss");
            assertEquals(v[1], v[3], 0.0, e.getKey() + ": and its gradient");
            assertTrue(v[1] > 0, e.getKey());
        }
        double ntxent = out.get("ntxent τ=0.2")[0];
        assertTrue(out.get("dcl τ=0.2")[0] < ntxent, "DCL drops the positive from the denominator");
        assertTrue(out.get("hard τ=0.2 top-k=16")[0] < ntxent, "fewer negatives, smaller loss");
    }

    @Test
    void aProjectionHeadOnFrozenPairsLearnsToRetrieveHeldOutPairs() {
        PairedEmbeddings all = PairedEmbeddings.generate(2560, 7);
        ProjectionHead.Outcome o = ProjectionHead.run(all.slice(0, 2048), all.slice(2048, 2560), 4);
        assertTrue(o.recallBefore() < 0.2, "the raw views hardly retrieve each other: " + o);
        assertTrue(o.recallAfter() > o.recallBefore() + 0.5, "held-out recall@1 improves: " + o);
        assertTrue(o.alignmentAfter() < o.alignmentBefore() / 2, "the pairs come together: " + o);
        assertTrue(o.uniformityAfter() < -2, "without collapsing: " + o);
        assertTrue(o.lastLoss() < o.firstLoss(), o.toString());
    }

    @Test
    void theKitPassesAHandWrittenLossAndCatchesEachMistakeInItsBackward() {
        for (long seed = 1; seed <= 20; seed++) {
            Map<String, GradReport> reports = SoftTriplet.run(seed);
            assertTrue(reports.get("autograd").passed(), reports.get("autograd").toString());
            assertTrue(reports.get("NONE").passed(), reports.get("NONE").toString());
            assertCaught(reports.get("WRONG_SIGN"), "z1", seed);
            assertCaught(reports.get("MISSING_TERM"), "z2", seed);
            assertCaught(reports.get("WRONG_TEMPERATURE"), null, seed);
        }
    }

    /** Failed, blaming {@code input} (any when null), with the seed and the worst row in its report. */
    private static void assertCaught(GradReport r, String input, long seed) {
        assertTrue(!r.passed(), "not caught: " + r);
        assertEquals(seed, r.seed().orElseThrow());
        if (input != null) {
            assertEquals(input, r.worst().input(), r.toString());
        }
        assertTrue(r.toString().contains("FAILED") && r.toString().contains("worst row " + r.worst().input()),
                r.toString());
    }

    @Test
    void onTheModulePathTheExampleRunsWithTheVectorKernelsAndNoFlags() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String modulePath = location(Engine.class) + File.pathSeparator + location(GradCheck.class)
                + File.pathSeparator + location(ProjectionHead.class);
        Process p = new ProcessBuilder(java, "-p", modulePath, "-m",
                "org.jcontrast.examples/org.jcontrast.examples.ProjectionHead", "1024", "2")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("engine: vector")), out);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("held-out recall@1 ")), out);
    }

    /** The jar or folder a class was loaded from. */
    private static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
