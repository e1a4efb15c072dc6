package org.jcontrast.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jcontrast.io.Npy;
import org.jcontrast.loss.LossKind;
import org.jcontrast.metrics.Metrics;
import org.jcontrast.metrics.Moments;
import org.jcontrast.metrics.PairMetrics;
import org.jcontrast.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jcontrast metrics}: the papers' representation metrics of embeddings from .npy files. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = "Print every metric the inputs allow: uniformity (always), alignment and the pair statistics "
                + "(with --views), tolerance (with --labels).")
final class MetricsCommand implements Callable<Integer> {
    @Option(names = "--embeddings", required = true, paramLabel = "FILE",
            description = "Embeddings z.npy, [N, d] (with --views: the first view).")
    Path embeddings;

    @Option(names = "--views", paramLabel = "FILE", description = "The second view z2.npy, the same shape as z.")
    Path second;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class labels y.npy, one per row of z.")
    Path labels;

    @Option(names = "--temperature", paramLabel = "T",
            description = "τ of the NPC multipliers, NT-Xent and the relative penalties (default ${DEFAULT-VALUE}).")
    double temperature = LossKind.NTXENT.defaultTemperature();

    @Option(names = "--raw-out", paramLabel = "DIR",
            description = "Also write the per-anchor values as .npy files for histograms (with --views: "
                    + "positive_similarity, top10_negative_similarity, npc_multiplier) and relative_penalty.npy.")
    Path rawOut;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        double tau = Inputs.temperature(temperature);
        if (rawOut != null) {
            Inputs.outputFolder(rawOut, "--raw-out");
        }
        Tensor z = Inputs.matrix(embeddings, "--embeddings");
        Tensor z2 = second == null ? null : Inputs.matrix(second, "--views");
        int[] y = labels == null ? null : Inputs.labels(labels, "--labels");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("n", z.dim(0));
        out.put("d", z.dim(1));
        out.put("temperature", tau);
        out.put("uniformity", Metrics.uniformity(z, Metrics.UNIFORMITY_T));
        PairMetrics pairs = null;
        if (z2 != null) {
            out.put("alignment", Metrics.alignment(z, z2));
            pairs = Metrics.pairs(z, z2, tau);
            Moments pos = pairs.positiveMoments(), neg = pairs.topNegativeMoments(), npc = pairs.npcMoments();
            out.put("positive_similarity_mean", pos.mean());
            out.put("positive_similarity_std", pos.std());
            out.put("top10_negative_similarity_mean", neg.mean());
            out.put("top10_negative_similarity_std", neg.std());
            out.put("npc_multiplier_mean", npc.mean());
            out.put("npc_multiplier_cv", npc.cv());
            out.put("ntxent", pairs.ntxent());
            out.put("infonce_mi_bound", pairs.infoNceBound());
        }
        if (y != null) {
            out.put("tolerance", Metrics.tolerance(z, y));
        }
        if (rawOut != null) {
            writeRaw(z, z2, pairs, tau, out);
        }
        if (json) {
            System.out.println(Json.object(out));
        } else {
            for (Map.Entry<String, Object> e : out.entrySet()) {
                Object v = e.getValue();
                boolean undefined = e.getKey().equals("tolerance") && ((Double) v).isNaN();
                System.out.printf("%-32s %s%n", e.getKey(), undefined ? "n/a (no two rows share a label)" : v);
            }
        }
        return 0;
    }

    private void writeRaw(Tensor z, Tensor z2, PairMetrics pairs, double tau, Map<String, Object> out)
            throws IOException {
        Files.createDirectories(rawOut);
        Path penalties = rawOut.resolve("relative_penalty.npy");
        Npy.write(penalties, z2 == null ? Metrics.relativePenalties(z, tau) : Metrics.relativePenalties(z, z2, tau));
        out.put("relative_penalty", penalties.toString());
        if (pairs != null) {
            write(out, "positive_similarity", pairs.positiveSimilarity());
            Path top = rawOut.resolve("top10_negative_similarity.npy");
            Npy.write(top, pairs.topNegativeSimilarity());
            out.put("top10_negative_similarity", top.toString());
            write(out, "npc_multiplier", pairs.npcMultiplier());
        }
    }

    private void write(Map<String, Object> out, String name, double[] values) throws IOException {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        Path p = rawOut.resolve(name + ".npy");
        Npy.write(p, Tensor.wrap(f, f.length));
        out.put(name, p.toString());
    }
}
