package io.sluice.gateway.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Header fields in order, names compared without case: what goes upstream and what came back. A
 * request carries a dozen headers, so a list beats a map here, and it keeps the sender's order.
 * A field that would break HTTP/1.1 framing (an empty name, or CR, LF or NUL anywhere) is left out: it
 * cannot come from a request Helidon parsed, only from a bad upstream or header rule, and keeping it
 * out here is what lets the listeners skip Helidon's second validation of every response header.
 */
public final class HeaderList {

    private final List<String> fields = new ArrayList<>(24);

    public HeaderList add(String name, String value) {
        if (name.isEmpty() || !safe(name) || !safe(value)) {
            return this;
        }
        fields.add(name);
        fields.add(value);
        return this;
    }

    /** Replaces every field of that name with one. */
    public HeaderList set(String name, String value) {
        remove(name);
        return add(name, value);
    }

    public HeaderList remove(String name) {
        for (int i = fields.size() - 2; i >= 0; i -= 2) {
            if (fields.get(i).equalsIgnoreCase(name)) {
                fields.remove(i + 1);
                fields.remove(i);
            }
        }
        return this;
    }

    /** The first value of a field, or null. */
    public String first(String name) {
        for (int i = 0; i < fields.size(); i += 2) {
            if (fields.get(i).equalsIgnoreCase(name)) {
                return fields.get(i + 1);
            }
        }
        return null;
    }

    private static boolean safe(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                return false;
            }
        }
        return true;
    }

    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < fields.size(); i += 2) {
            action.accept(fields.get(i), fields.get(i + 1));
        }
    }

    public int size() {
        return fields.size() / 2;
    }

    public String name(int i) {
        return fields.get(2 * i);
    }

    public String value(int i) {
        return fields.get(2 * i + 1);
    }
}
