package org.jcontrast.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subset of Python literal syntax a .npy header is written in: dicts, strings, integers
 * (with Python 2's optional {@code L}), tuples, lists, {@code True}, {@code False} and {@code None}.
 * Values come back as {@link Map}, {@link String}, {@link Long}, {@link List}, {@link Boolean} and
 * null; anything else is an {@link IllegalArgumentException} saying where.
 */
final class PyLiteral {
    /** Deeper nesting than any .npy header has; it bounds the recursion on hostile input. */
    private static final int MAX_DEPTH = 16;
    private final String text;
    private int pos;
    private int depth;

    private PyLiteral(String text) {
        this.text = text;
    }

    /** The value of {@code text}, which must hold exactly one literal (surrounding blanks allowed). */
    static Object parse(String text) {
        PyLiteral p = new PyLiteral(text);
        Object v = p.value();
        p.skipBlanks();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the literal");
        }
        return v;
    }

    private Object value() {
        skipBlanks();
        if (pos >= text.length()) {
            throw error("the text ends where a value should be");
        }
        char c = text.charAt(pos);
        if ("{([".indexOf(c) >= 0 && ++depth > MAX_DEPTH) {
            throw error("values nested more than " + MAX_DEPTH + " deep");
        }
        Object v = switch (c) {
            case '{' -> dict();
            case '(' -> sequence('(', ')');
            case '[' -> sequence('[', ']');
            case '\'', '"' -> string();
            default -> c == '-' || c == '+' || isDigit(c) ? integer() : word();
        };
        if ("{([".indexOf(c) >= 0) {
            depth--;
        }
        return v;
    }

    private Map<String, Object> dict() {
        Map<String, Object> map = new LinkedHashMap<>();
        pos++;
        while (true) {
            skipBlanks();
            if (peek('}')) {
                pos++;
                return map;
            }
            Object key = value();
            if (!(key instanceof String k)) {
                throw error("dictionary keys must be strings");
            }
            skipBlanks();
            expect(':');
            if (map.put(k, value()) != null) {
                throw error("the key '" + k + "' appears twice");
            }
            if (!separator('}')) {
                return map;
            }
        }
    }

    private List<Object> sequence(char open, char close) {
        List<Object> items = new ArrayList<>();
        pos++;
        while (true) {
            skipBlanks();
            if (peek(close)) {
                pos++;
                return items;
            }
            items.add(value());
            if (!separator(close)) {
                return items;
            }
        }
    }

    /** After an item: true at a comma (more may follow), false after consuming the closing bracket. */
    private boolean separator(char close) {
        skipBlanks();
        if (peek(',')) {
            pos++;
            return true;
        }
        expect(close);
        return false;
    }

    private String string() {
        char quote = text.charAt(pos++);
        StringBuilder sb = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == quote) {
                return sb.toString();
            }
            if (c == '\\' && pos < text.length()) {
                c = text.charAt(pos++);
            }
            sb.append(c);
        }
        throw error("a string is not closed");
    }

    private Long integer() {
        int start = pos;
        if (peek('-') || peek('+')) {
            pos++;
        }
        while (pos < text.length() && isDigit(text.charAt(pos))) {
            pos++;
        }
        String digits = text.substring(start, pos);
        if (peek('L') || peek('l')) {
            pos++;
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw error("'" + digits + "' is not an integer of at most 64 bits");
        }
    }

    private Object word() {
        int start = pos;
        while (pos < text.length() && Character.isLetter(text.charAt(pos))) {
            pos++;
        }
        return switch (text.substring(start, pos)) {
            case "True" -> Boolean.TRUE;
            case "False" -> Boolean.FALSE;
            case "None" -> null;
            default -> {
                pos = start;
                throw error("unexpected character '" + text.charAt(pos) + "'");
            }
        };
    }

    /** ASCII digits only, as Python's number literals (Character.isDigit also takes other scripts' digits). */
    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private void skipBlanks() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at character " + pos);
    }
}
