package org.jcontrast.cli;

import java.util.List;
import java.util.Locale;

/** Builds the Markdown of a run's {@code report.md}: headings, paragraphs, tables and images. */
final class MarkdownReport {
    private final StringBuilder md = new StringBuilder();

    /** A heading of level 1 to 6. */
    MarkdownReport heading(int level, String text) {
        md.append("#".repeat(Math.max(1, Math.min(6, level)))).append(' ').append(text).append("\n\n");
        return this;
    }

    /** A paragraph of text. */
    MarkdownReport paragraph(String text) {
        md.append(text).append("\n\n");
        return this;
    }

    /** A table; cells are written with {@link String#valueOf}, doubles with 4 significant digits. */
    MarkdownReport table(List<String> header, List<List<?>> rows) {
        row(header);
        md.append('|');
        for (int i = 0; i < header.size(); i++) {
            md.append(" --- |");
        }
        md.append('\n');
        for (List<?> r : rows) {
            if (r.size() != header.size()) {
                throw new IllegalArgumentException("table row " + r + " has " + r.size() + " cells, the header has "
                        + header.size());
            }
            row(r);
        }
        md.append('\n');
        return this;
    }

    /** An image from a file in the run folder. */
    MarkdownReport image(String alt, String file) {
        md.append("![").append(escape(alt)).append("](").append(file).append(")\n\n");
        return this;
    }

    private void row(List<?> cells) {
        md.append('|');
        for (Object c : cells) {
            md.append(' ').append(escape(format(c))).append(" |");
        }
        md.append('\n');
    }

    private static String format(Object c) {
        if (c instanceof Double || c instanceof Float) {
            double d = ((Number) c).doubleValue();
            return Double.isFinite(d) ? String.format(Locale.ROOT, "%.4g", d) : "–";
        }
        return String.valueOf(c);
    }

    /** Keeps table pipes and brackets from breaking the Markdown. */
    private static String escape(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    @Override
    public String toString() {
        return md.toString();
    }
}
