package org.jcontrast.simclr.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON of a configuration saved in a checkpoint: one object of numbers, strings, booleans and
 * lists of numbers, nothing nested deeper. Integers are read as {@link Long} (seeds need all 64
 * bits), other numbers as {@link Double}.
 */
final class FlatJson {
    private final String text;
    private int pos;

    private FlatJson(String text) {
        this.text = text;
    }

    /** The map as one JSON object. */
    static String write(Map<String, Object> map) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, Object> e : map.entrySet()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            quote(sb, e.getKey());
            sb.append(": ");
            value(sb, e.getValue());
        }
        return sb.append('}').toString();
    }

    private static void value(StringBuilder sb, Object v) {
        if (v instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                sb.append(i == 0 ? "" : ", ");
                value(sb, list.get(i));
            }
            sb.append(']');
        } else if (v instanceof Double d && !Double.isFinite(d)) {
            throw new IllegalArgumentException("a configuration value is not finite: " + d);
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else {
            quote(sb, String.valueOf(v));
        }
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        sb.append('"');
    }

    /** The object in {@code text}; anything else is an error saying where. */
    static Map<String, Object> read(String text) {
        FlatJson p = new FlatJson(text);
        Map<String, Object> out = new LinkedHashMap<>();
        p.expect('{');
        if (!p.skip('}')) {
            do {
                String key = p.string();
                p.expect(':');
                out.put(key, p.value(true));
            } while (p.skip(','));
            p.expect('}');
        }
        p.space();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the object");
        }
        return out;
    }

    private Object value(boolean listAllowed) {
        space();
        if (pos >= text.length()) {
            throw error("a value is missing");
        }
        char c = text.charAt(pos);
        if (c == '"') {
            return string();
        }
        if (c == '[' && listAllowed) {
            pos++;
            List<Object> list = new ArrayList<>();
            if (!skip(']')) {
                do {
                    list.add(value(false));
                } while (skip(','));
                expect(']');
            }
            return list;
        }
        if (text.startsWith("true", pos) || text.startsWith("false", pos)) {
            boolean b = text.startsWith("true", pos);
            pos += b ? 4 : 5;
            return b;
        }
        int start = pos;
        while (pos < text.length() && "+-.0123456789eE".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
        String number = text.substring(start, pos);
        try {
            return number.matches("-?\\d+") ? (Object) Long.parseLong(number) : (Object) Double.parseDouble(number);
        } catch (NumberFormatException e) {
            pos = start;
            throw error("not a value");
        }
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (pos < text.length() && text.charAt(pos) != '"') {
            char c = text.charAt(pos++);
            if (c == '\\' && pos < text.length()) {
                c = text.charAt(pos++);
            }
            sb.append(c);
        }
        expect('"');
        return sb.toString();
    }

    private void space() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private boolean skip(char c) {
        space();
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        if (!skip(c)) {
            throw error("expected '" + c + "'");
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("the saved configuration is not valid JSON: " + what + " at character "
                + pos);
    }
}
