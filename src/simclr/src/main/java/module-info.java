/**
 * jcontrast-simclr: the SimCLR application on jcontrast-core. The trainer and its sweeps, grayscale
 * augmentations, image datasets (IDX, the UCI digits CSV, .npy) and the frozen evaluation (linear
 * probe, kNN).
 */
module org.jcontrast.simclr {
    requires transitive org.jcontrast.core;

    exports org.jcontrast.simclr.augment;
    exports org.jcontrast.simclr.data;
    exports org.jcontrast.simclr.eval;
    exports org.jcontrast.simclr.train;
}
