package org.jcontrast.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {
    @TempDir
    Path dir;

    /** Reads the PNG back and checks its size and that something other than white was drawn. */
    private static void assertDrawn(Path png) throws IOException {
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(800, img.getWidth());
        assertEquals(500, img.getHeight());
        int colored = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF, g = (rgb >> 8) & 0xFF, b = rgb & 0xFF;
                colored += Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 60 ? 1 : 0;
            }
        }
        assertTrue(colored > 100, "the series are drawn in colour (" + colored + " coloured pixels)");
    }

    @Test
    void lineChartsScatterAndHistogramsArePngs() throws IOException {
        double[] steps = {1, 10, 100, 1000}, loss = {5, 4, 3.5, 3.2}, acc = {0.2, 0.5, 0.7, 0.8};
        Path lines = dir.resolve("plots").resolve("loss.png");
        Plots.lines(lines, "loss", "step", "value", List.of(new Plots.Series("loss", steps, loss),
                new Plots.Series("accuracy", steps, acc)), true);
        assertDrawn(lines);
        Path scatter = dir.resolve("scatter.png");
        double[] x = new double[40], y = new double[40];
        for (int i = 0; i < x.length; i++) {
            x[i] = i / 40.0;
            y[i] = -3 + Math.sin(i);
        }
        Plots.scatter(scatter, "alignment vs uniformity", "alignment", "uniformity",
                List.of(new Plots.Series("runs", x, y)));
        assertDrawn(scatter);
        Map<String, double[]> sims = new LinkedHashMap<>();
        sims.put("positives", new double[] {0.8, 0.9, 0.85, 0.7, 0.95});
        sims.put("negatives", new double[] {-0.1, 0.0, 0.1, 0.2, 0.05, -0.05, Double.NaN});
        Path hist = dir.resolve("hist.png");
        Plots.histograms(hist, "similarities", "cosine similarity", sims, 20);
        assertDrawn(hist);
    }

    @Test
    void theLegendLeavesTheTallestBarUncovered() throws IOException {
        // Nearly every value in the last of 4 bins: its bar fills the right quarter of the plot up to the top,
        // where a legend inside the plot area used to sit.
        double[] values = new double[100];
        Arrays.fill(values, 1, values.length, 1.0);
        Path png = dir.resolve("tall.png");
        Plots.histograms(png, "tall", "value", Map.of("a sample with a long name", values), 4);
        BufferedImage img = ImageIO.read(png.toFile());
        int rgb = img.getRGB(img.getWidth() - 100, 60);
        int red = (rgb >> 16) & 0xFF, blue = rgb & 0xFF;
        assertTrue(blue > red + 40, "the top of the tallest bar shows its blue fill, got #"
                + Integer.toHexString(rgb & 0xFFFFFF));
    }

    @Test
    void binsAreSharedFractionsWithTheTopEdgeInTheLastBin() {
        double[][] steps = Plots.binned(new double[] {0, 0.1, 0.5, 0.99, 1.0, Double.NaN}, 0, 1, 4);
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1.0}, steps[0], 1e-12);
        // 0 and 0.1 in bin 0; 0.5 in bin 2; 0.99 and 1.0 in bin 3; NaN left out: fractions of 5.
        assertArrayEquals(new double[] {0.4, 0, 0.2, 0.4, 0.4}, steps[1], 1e-12);
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Plots.Series("s", new double[2], new double[3]));
        assertThrows(IllegalArgumentException.class, () -> Plots.lines(dir.resolve("x.png"), "t", "x", "y",
                List.of(new Plots.Series("s", new double[] {0, 1}, new double[] {1, 2})), true));
        assertThrows(IllegalArgumentException.class, () -> Plots.histograms(dir.resolve("h.png"), "t", "x",
                Map.of("s", new double[] {Double.NaN}), 10));
    }
}
