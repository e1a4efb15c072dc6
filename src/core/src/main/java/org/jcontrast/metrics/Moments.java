package org.jcontrast.metrics;

/**
 * Mean and population standard deviation (numpy's default {@code ddof=0}) of a set of values,
 * accumulated in float64.
 * <p>Immutable and thread-safe.
 *
 * @param mean the mean
 * @param std the population standard deviation
 */
public record Moments(double mean, double std) {

    /**
     * The moments of {@code values} (NaN for none).
     *
     * @param values the sample
     * @return the moments of {@code values} (NaN for none)
     */
    public static Moments of(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / values.length;
        double sq = 0;
        for (double v : values) {
            sq += (v - mean) * (v - mean);
        }
        return new Moments(mean, Math.sqrt(sq / values.length));
    }

    /**
     * The coefficient of variation std / mean.
     *
     * @return the coefficient of variation std / mean
     */
    public double cv() {
        return std / mean;
    }
}
