package org.jcontrast.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON writer for the CLI's {@code --json} output and the run folders' summaries: maps,
 * lists, primitive arrays, numbers (non-finite ones become null), strings, booleans.
 */
final class Json {
    private Json() {
    }

    /** The map on one line. */
    static String object(Map<String, ?> map) {
        StringBuilder sb = new StringBuilder();
        write(sb, map, 0, false);
        return sb.toString();
    }

    /**
     * The map with one entry per line and two spaces per level of nesting; lists of plain values
     * (numbers, strings) stay on one line. Ends with a newline.
     */
    static String pretty(Map<String, ?> map) {
        StringBuilder sb = new StringBuilder();
        write(sb, map, 0, true);
        return sb.append('\n').toString();
    }

    private static void write(StringBuilder sb, Object v, int depth, boolean pretty) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof Map<?, ?> map) {
            sb.append('{');
            int i = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                separate(sb, i++, depth + 1, pretty);
                string(sb, String.valueOf(e.getKey()));
                sb.append(": ");
                write(sb, e.getValue(), depth + 1, pretty);
            }
            close(sb, '}', map.isEmpty(), depth, pretty);
        } else if (v instanceof List<?> list) {
            boolean multiline = pretty && list.stream().anyMatch(e -> e instanceof Map || e instanceof List);
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                separate(sb, i, depth + 1, multiline);
                write(sb, list.get(i), depth + 1, multiline);
            }
            close(sb, ']', list.isEmpty(), depth, multiline);
        } else if (v instanceof double[] a) {
            write(sb, Arrays.stream(a).boxed().toList(), depth, pretty);
        } else if (v instanceof float[] a) {
            List<Double> boxed = new ArrayList<>(a.length);
            for (float f : a) {
                boxed.add((double) f);
            }
            write(sb, boxed, depth, pretty);
        } else if (v instanceof int[] a) {
            write(sb, Arrays.stream(a).boxed().toList(), depth, pretty);
        } else if (v instanceof long[] a) {
            write(sb, Arrays.stream(a).boxed().toList(), depth, pretty);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            sb.append(Double.isFinite(d) ? Double.toString(d) : "null");
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else {
            string(sb, v.toString());
        }
    }

    /** Before element {@code i} of a container: a comma after the first, then a new line or a space. */
    private static void separate(StringBuilder sb, int i, int depth, boolean pretty) {
        if (i > 0) {
            sb.append(',');
        }
        if (pretty) {
            sb.append('\n').append("  ".repeat(depth));
        } else if (i > 0) {
            sb.append(' ');
        }
    }

    private static void close(StringBuilder sb, char bracket, boolean empty, int depth, boolean pretty) {
        if (pretty && !empty) {
            sb.append('\n').append("  ".repeat(depth));
        }
        sb.append(bracket);
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        sb.append('"');
    }
}
