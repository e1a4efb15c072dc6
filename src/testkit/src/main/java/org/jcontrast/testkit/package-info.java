/**
 * Gradient verification as a product: {@link org.jcontrast.testkit.GradCheck} (analytic gradients of
 * a {@code Loss} or an autograd function against float64 central differences, reported as a
 * {@link org.jcontrast.testkit.GradReport}), {@link org.jcontrast.testkit.Property} and
 * {@link org.jcontrast.testkit.Gen} (seeded, shrinking trials), {@link org.jcontrast.testkit.Embeddings}
 * (batches with the hard cases) and {@link org.jcontrast.testkit.Identities} (the papers' identities).
 * Failures are {@link java.lang.AssertionError}s; no test framework is needed.
 */
package org.jcontrast.testkit;
