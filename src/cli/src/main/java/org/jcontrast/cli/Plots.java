package org.jcontrast.cli;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG charts for the run folders, drawn with XChart without a display: line charts of several
 * series (optionally on a logarithmic x axis), overlaid histograms on shared bins, and scatter
 * plots.
 */
final class Plots {
    private static final int WIDTH = 800;
    private static final int HEIGHT = 500;
    /** Above this many points a series is drawn without markers, and its x labels slanted. */
    private static final int DENSE_POINTS = 30;
    /** Fill opacity of overlaid histograms, so that every one stays visible. */
    private static final int HISTOGRAM_ALPHA = 90;

    static {
        // Charts are drawn off-screen; without this AWT may look for a display.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        // ImageIO's file cache registers a shutdown hook per stream, which fails once the JVM is
        // shutting down: the plots of a run stopped with Ctrl-C are written after that. PNGs this
        // small are encoded in memory anyway.
        ImageIO.setUseCache(false);
    }

    private Plots() {
    }

    /** One named series of points. */
    record Series(String name, double[] x, double[] y) {
        Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series '" + name + "' has " + x.length + " x values and "
                        + y.length + " y values");
            }
        }
    }

    /** Lines through the points of each series, e.g. loss against step; {@code logX} for sweeps over scales. */
    static void lines(Path png, String title, String xLabel, String yLabel, List<Series> series, boolean logX)
            throws IOException {
        XYChart chart = chart(title, xLabel, yLabel);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        if (logX) {
            for (Series s : series) {
                for (double x : s.x()) {
                    if (!(x > 0)) {
                        throw new IllegalArgumentException("a logarithmic x axis needs positive x values; series '"
                                + s.name() + "' has " + x);
                    }
                }
            }
            chart.getStyler().setXAxisLogarithmic(true);
        }
        boolean dense = false;
        for (Series s : series) {
            XYSeries xy = chart.addSeries(s.name(), s.x(), s.y());
            dense |= s.x().length > DENSE_POINTS;
            xy.setMarker(s.x().length <= DENSE_POINTS ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        }
        if (dense && !logX) {
            slantedXLabels(chart);
        }
        save(chart, png);
    }

    /** Points only, e.g. alignment against uniformity for each run. */
    static void scatter(Path png, String title, String xLabel, String yLabel, List<Series> series) throws IOException {
        XYChart chart = chart(title, xLabel, yLabel);
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(6);
        for (Series s : series) {
            chart.addSeries(s.name(), s.x(), s.y());
        }
        save(chart, png);
    }

    /**
     * Histograms of several samples (e.g. positive and negative similarities) on {@code bins}
     * shared bins spanning all values, each normalised to fractions of its own sample so that
     * samples of different sizes compare; drawn as translucent steps over one another. Non-finite
     * values are left out.
     */
    static void histograms(Path png, String title, String xLabel, Map<String, double[]> samples, int bins)
            throws IOException {
        if (bins < 1) {
            throw new IllegalArgumentException("a histogram needs at least one bin, got " + bins);
        }
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double[] values : samples.values()) {
            for (double v : values) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (lo > hi) {
            throw new IllegalArgumentException("histogram '" + title + "' has no finite values");
        }
        if (hi == lo) {
            hi = lo + 1; // one value everywhere: a bin of width 1 around it
        }
        XYChart chart = chart(title, xLabel, "fraction of samples");
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.StepArea);
        slantedXLabels(chart);
        Color[] palette = chart.getStyler().getSeriesColors();
        int k = 0;
        for (Map.Entry<String, double[]> e : samples.entrySet()) {
            double[][] steps = binned(e.getValue(), lo, hi, bins);
            XYSeries s = chart.addSeries(e.getKey(), steps[0], steps[1]);
            Color c = palette[k++ % palette.length];
            s.setLineColor(c);
            s.setFillColor(new Color(c.getRed(), c.getGreen(), c.getBlue(), HISTOGRAM_ALPHA));
            s.setMarker(SeriesMarkers.NONE);
        }
        save(chart, png);
    }

    /**
     * Fractions of the finite values per bin, as step points: x holds the bins + 1 edges, y the
     * bins' fractions with the last one repeated so the final step reaches the right edge.
     */
    static double[][] binned(double[] values, double lo, double hi, int bins) {
        double[] x = new double[bins + 1], y = new double[bins + 1];
        double width = (hi - lo) / bins;
        for (int b = 0; b <= bins; b++) {
            x[b] = lo + b * width;
        }
        int counted = 0;
        for (double v : values) {
            if (Double.isFinite(v)) {
                int b = (int) Math.min(bins - 1, Math.floor((v - lo) / width)); // hi goes in the last bin
                y[Math.max(0, b)]++;
                counted++;
            }
        }
        for (int b = 0; b < bins; b++) {
            y[b] = counted == 0 ? 0 : y[b] / counted;
        }
        y[bins] = y[bins - 1];
        return new double[][] {x, y};
    }

    /**
     * Readable x labels on equally spaced x values (steps, bin edges), where XChart ticks data
     * points, as many as barely fit side by side: slanted labels at three decimals at most leave
     * room between them.
     */
    private static void slantedXLabels(XYChart chart) {
        chart.getStyler().setXAxisLabelRotation(45);
        chart.getStyler().setXAxisDecimalPattern("0.###");
    }

    private static XYChart chart(String title, String xLabel, String yLabel) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        XYStyler st = chart.getStyler();
        // Below the plot area: a legend inside it covers data (the tallest bar, the latest points).
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        st.setLegendLayout(Styler.LegendLayout.Horizontal);
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotGridLinesColor(new Color(220, 220, 220));
        st.setAntiAlias(true);
        return chart;
    }

    /** Writes the chart as a PNG crash-safely, as every file of a run folder is. */
    private static void save(XYChart chart, Path png) throws IOException {
        RunFolder.writeFile(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }
}
