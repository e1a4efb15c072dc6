/** Examples of jcontrast-core's API (and of jcontrast-testkit's); they read nothing but the exported packages. */
module org.jcontrast.examples {
    requires org.jcontrast.core;
    requires org.jcontrast.testkit;

    exports org.jcontrast.examples;
}
