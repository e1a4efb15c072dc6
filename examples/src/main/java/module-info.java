/** Examples of jcontrast-core's API; they read nothing but the exported packages. */
module org.jcontrast.examples {
    requires org.jcontrast.core;

    exports org.jcontrast.examples;
}
