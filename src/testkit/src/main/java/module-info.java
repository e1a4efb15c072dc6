/**
 * jcontrast-testkit: checks for users' own losses and autograd functions. {@link
 * org.jcontrast.testkit.GradCheck} compares analytic gradients with float64 central differences and
 * says where they differ; {@link org.jcontrast.testkit.Property} runs seeded, shrinking trials over
 * the batches of {@link org.jcontrast.testkit.Embeddings}; {@link org.jcontrast.testkit.Identities}
 * holds the papers' identities. Failures are plain {@link AssertionError}s, so any test framework
 * (or none) can run them.
 */
module org.jcontrast.testkit {
    requires transitive org.jcontrast.core;

    exports org.jcontrast.testkit;
}
