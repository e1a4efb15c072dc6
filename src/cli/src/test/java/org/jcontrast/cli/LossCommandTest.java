package org.jcontrast.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jcontrast.internal.loss.LossFactory;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.io.Npy;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossMode;
import org.jcontrast.loss.LossResult;
import org.jcontrast.loss.MemoryBank;
import org.jcontrast.loss.NegativeSet;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jcontrast loss}: every option reaches the loss (the library call with the same spec gives
 * the printed value and the written gradients; the core tests hold that call to the float64
 * reference), and bad input is one line.
 */
class LossCommandTest {
    private static final int N = 4, D = 3;

    @TempDir
    Path dir;
    private Tensor z1;
    private Tensor z2;
    private Path f1;
    private Path f2;

    @BeforeEach
    void views() throws IOException {
        SplittableRandom r = new SplittableRandom(42);
        z1 = Tensor.randn(r, N, D);
        z2 = Tensor.randn(r, N, D);
        f1 = save("z1.npy", z1);
        f2 = save("z2.npy", z2);
    }

    private Path save(String name, Tensor t) throws IOException {
        Path p = dir.resolve(name);
        Npy.write(p, t);
        return p;
    }

    private CliRun loss(String... options) {
        List<String> args = new ArrayList<>(List.of("loss", "--views", f1.toString(), f2.toString(), "--json"));
        args.addAll(List.of(options));
        return CliRun.of(args.toArray(String[]::new));
    }

    private LossResult direct(LossOptions spec) {
        return LossFactory.create(spec, LossMode.AUTO).compute(z1, z2);
    }

    private double expected(LossOptions spec) {
        return direct(spec).loss();
    }

    @Test
    void ntxentValueAndGradientFiles() throws IOException {
        Path out = dir.resolve("grads");
        CliRun run = loss("--loss", "ntxent", "--grad-out", out.toString()).ok();
        LossOptions spec = LossOptions.of(LossKind.NTXENT);
        LossResult expect = direct(spec);
        assertEquals(expect.loss(), run.number("loss"), 1e-12);
        assertEquals(0.5, run.number("temperature"));
        Tensor g1 = Npy.readTensor(out.resolve("grad1.npy")), g2 = Npy.readTensor(out.resolve("grad2.npy"));
        assertEquals(z1.shapeString(), g1.shapeString());
        assertArrayEquals(expect.grad1().toArray(), g1.toArray());
        assertArrayEquals(expect.grad2().toArray(), g2.toArray());
        assertTrue(run.out().contains("grad1.npy"), run.out());
    }

    @Test
    void everyOptionReachesTheLoss() throws IOException {
        assertEquals(expected(LossOptions.of(LossKind.HARD).withTopK(2).withNegativeSet(NegativeSet.CROSS)
                .withTemperature(0.3)), loss("--loss", "hard", "--top-k", "2", "--negative-set", "cross",
                "--temperature", "0.3").ok().number("loss"), 1e-12);
        assertEquals(expected(LossOptions.of(LossKind.HARDSIMPLE).withQuantile(0.5).withLambda(0.25)),
                loss("--loss", "hardsimple", "--quantile", "0.5", "--lambda", "0.25").ok().number("loss"), 1e-12);
        assertEquals(expected(LossOptions.of(LossKind.DCLW).withSigma(0.2).withWeightGradient(true)
                .withClampWeight(true)), loss("--loss", "dclw", "--sigma", "0.2", "--weight-gradient",
                "--clamp-weight").ok().number("loss"), 1e-12);
        assertEquals(expected(LossOptions.of(LossKind.DCL)), loss("--loss", "DCL").ok().number("loss"), 1e-12);
        int[] labels = {1, 0, 1, 2};
        Path y = dir.resolve("y.npy");
        Npy.writeLabels(y, labels);
        assertEquals(expected(LossOptions.of(LossKind.SUPCON).withLabels(labels).withRescale(false)),
                loss("--loss", "supcon", "--labels", y.toString(), "--no-rescale").ok().number("loss"), 1e-12);
        Tensor bankRows = Tensor.randn(new SplittableRandom(3), 6, D);
        MemoryBank bank = new MemoryBank(6, D);
        bank.enqueue(bankRows);
        assertEquals(expected(LossOptions.of(LossKind.INFONCE).withBank(bank).withSymmetric(true)),
                loss("--loss", "infonce", "--bank", save("bank.npy", bankRows).toString(), "--symmetric")
                        .ok().number("loss"), 1e-12);
        CliRun clip = loss("--loss", "clip").ok();
        LossResult clipExpect = direct(LossOptions.of(LossKind.CLIP));
        assertEquals(clipExpect.loss(), clip.number("loss"), 1e-12);
        assertEquals(clipExpect.gradLogitScale(), clip.number("grad_logit_scale"), 1e-12);
    }

    @Test
    void unitNormAndZeroRowsWithAnEps() throws IOException {
        Tensor u1 = org.jcontrast.internal.tensor.Ops.normalizeRows(z1, 1e-12f);
        Tensor u2 = org.jcontrast.internal.tensor.Ops.normalizeRows(z2, 1e-12f);
        f1 = save("u1.npy", u1);
        f2 = save("u2.npy", u2);
        double expect = LossFactory.create(LossOptions.of(LossKind.NTXENT).withNormalizedInputs(true), LossMode.AUTO)
                .compute(u1, u2).loss();
        assertEquals(expect, loss("--loss", "ntxent", "--normalized").ok().number("loss"), 1e-12);
        Tensor zero = z1.copy();
        for (int j = 0; j < D; j++) {
            zero.set(1, j, 0f);
        }
        f1 = save("zero.npy", zero);
        f2 = save("z2b.npy", z2);
        double withZero = LossFactory.create(LossOptions.of(LossKind.NTXENT).withNormalizeEps(1e-8f), LossMode.AUTO)
                .compute(zero, z2).loss();
        assertEquals(withZero, loss("--loss", "ntxent", "--eps", "1e-8").ok().number("loss"), 1e-12);
        loss("--loss", "ntxent").failsWith("z1 row 1 has zero norm");
    }

    @Test
    void textOutputNamesTheLoss() {
        CliRun run = CliRun.of("loss", "--loss", "simple", "--views", f1.toString(), f2.toString()).ok();
        assertTrue(run.out().startsWith("loss  "), run.out());
        assertTrue(run.out().contains("simple"), run.out());
    }

    @Test
    void badInputIsOneLineAndANonZeroExit() throws IOException {
        loss("--loss", "ntxent", "--temperature", "0").failsWith("--temperature must be a positive");
        loss("--loss", "ntxent", "--temperature", "-1").failsWith("--temperature must be a positive");
        loss("--loss", "ntxent", "--temperature", "NaN").failsWith("--temperature must be a positive");
        loss("--loss", "ntxent", "--temperature", "abc").failsWith("--temperature");
        loss("--loss", "simple", "--temperature", "0.5").failsWith("simple has no temperature");
        loss("--loss", "nope").failsWith("unknown loss 'nope'");
        loss("--loss", "ntxent", "--sigma", "0.3").failsWith("apply to dclw only");
        loss("--loss", "ntxent", "--symmetric").failsWith("apply to infonce only");
        loss("--loss", "ntxent", "--top-k", "2").failsWith("hard and hardsimple only");
        loss("--loss", "hard", "--top-k", "2", "--quantile", "0.5").failsWith("not both");
        loss("--loss", "hard", "--negative-set", "some").failsWith("all or cross");
        loss("--loss", "infonce").failsWith("memory bank");
        CliRun.of("loss", "--loss", "ntxent").failsWith("--views");

        Tensor nan = z2.copy();
        nan.set(2, 1, Float.NaN);
        f2 = save("nan.npy", nan);
        loss("--loss", "ntxent").failsWith("z2 row 2 has NaN at column 1");
        f2 = save("inf.npy", Tensor.full(Float.POSITIVE_INFINITY, N, D));
        loss("--loss", "ntxent").failsWith("z2 row 0 has an infinite value");
        f2 = save("wide.npy", Tensor.randn(new SplittableRandom(1), N, D + 1));
        loss("--loss", "ntxent").failsWith("same shape");
        f1 = save("one1.npy", z1.rows(0, 1));
        f2 = save("one2.npy", z2.rows(0, 1));
        loss("--loss", "ntxent").failsWith("N = 1");
        f1 = save("vector.npy", z1.row(0));
        loss("--loss", "ntxent").failsWith("expected an [N, d] matrix");
        views();

        Path y = dir.resolve("short.npy");
        Npy.writeLabels(y, new int[] {0, 1});
        loss("--loss", "supcon", "--labels", y.toString()).failsWith("2 labels for 4 rows");
        Path garbage = dir.resolve("garbage.npy");
        Files.writeString(garbage, "not numpy at all");
        loss("--loss", "supcon", "--labels", garbage.toString()).failsWith("not a .npy file");
        byte[] whole = Files.readAllBytes(f2);
        Files.write(f2, java.util.Arrays.copyOf(whole, whole.length - 5));
        loss("--loss", "ntxent").failsWith("truncated data");
        f2 = dir.resolve("missing.npy");
        loss("--loss", "ntxent").failsWith("not found: " + f2);
    }
}
