package org.jcontrast.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.jcontrast.simclr.data.Dataset;
import org.jcontrast.simclr.data.Datasets;
import org.jcontrast.simclr.data.FashionMnist;

/**
 * Where the command line gets its images: a path given with {@code --data}, or by default the
 * Fashion-MNIST test split (10,000 images) shipped inside the jar, so that a fresh checkout trains
 * and evaluates with no download.
 */
final class DataSources {
    /** Resource folder of the embedded Fashion-MNIST files, unchanged from the original release. */
    static final String EMBEDDED_FOLDER = "data/fashion-mnist/";
    static final String EMBEDDED_PART = "t10k";

    private DataSources() {
    }

    /** The dataset at {@code path} (see {@link Datasets#fromPath}), or the embedded one when {@code path} is null. */
    static Dataset open(Path path) throws IOException {
        return path == null ? embeddedFashionMnist() : Datasets.fromPath(path);
    }

    /** The embedded Fashion-MNIST test split: 10,000 28×28 images, 1,000 of each of the 10 classes. */
    static Dataset embeddedFashionMnist() throws IOException {
        String images = EMBEDDED_FOLDER + FashionMnist.imagesFile(EMBEDDED_PART);
        String labels = EMBEDDED_FOLDER + FashionMnist.labelsFile(EMBEDDED_PART);
        try (InputStream im = resource(images); InputStream lb = resource(labels)) {
            return FashionMnist.read(im, "jar:" + images, lb, "jar:" + labels, EMBEDDED_PART);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = DataSources.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("the embedded data " + name + " is missing from the jar; rebuild it with ./jcontrast");
        }
        return in;
    }
}
