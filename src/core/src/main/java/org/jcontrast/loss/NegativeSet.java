package org.jcontrast.loss;

/**
 * Which samples count as an anchor's negatives in the hard and simple losses.
 * <p>Immutable and thread-safe.
 */
public enum NegativeSet {
    /** The 2N−2 other samples of both views (SimCLR's setting). */
    ALL,
    /** The N−1 samples of the other view only (the memory-bank setting of Wang &amp; Liu). */
    CROSS
}
