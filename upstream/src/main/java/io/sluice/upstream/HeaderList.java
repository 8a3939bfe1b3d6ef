package io.sluice.upstream;

import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Header fields in order, names compared without case: what goes upstream and what came back. A
 * request carries a dozen headers, so a flat array beats a map here, and it keeps the sender's order.
 * A field that would break HTTP/1.1 framing (an empty name, or CR, LF or NUL anywhere) is left out: it
 * cannot come from a request Helidon parsed, only from a bad upstream or header rule, and keeping it
 * out here is what lets the listeners skip Helidon's second validation of every response header.
 */
public final class HeaderList {

    /** Names at even indexes, each followed by its value. */
    private String[] fields = new String[24];
    private int length;

    public HeaderList add(String name, String value) {
        if (name.isEmpty() || !safe(name) || !safe(value)) {
            return this;
        }
        append(name, value);
        return this;
    }

    private void append(String name, String value) {
        if (length == fields.length) {
            fields = Arrays.copyOf(fields, length * 2);
        }
        fields[length++] = name;
        fields[length++] = value;
    }

    /** Replaces every field of that name with one. */
    public HeaderList set(String name, String value) {
        remove(name);
        return add(name, value);
    }

    public HeaderList remove(String name) {
        int kept = 0;
        for (int i = 0; i < length; i += 2) {
            if (!fields[i].equalsIgnoreCase(name)) {
                fields[kept++] = fields[i];
                fields[kept++] = fields[i + 1];
            }
        }
        Arrays.fill(fields, kept, length, null);
        length = kept;
        return this;
    }

    /** The first value of a field, or null. */
    public String first(String name) {
        for (int i = 0; i < length; i += 2) {
            if (fields[i].equalsIgnoreCase(name)) {
                return fields[i + 1];
            }
        }
        return null;
    }

    /** A copy without the fields whose name {@code drop} accepts; what is copied was checked when added. */
    public HeaderList copyWithout(Predicate<String> drop) {
        HeaderList out = new HeaderList();
        for (int i = 0; i < length; i += 2) {
            if (!drop.test(fields[i])) {
                out.append(fields[i], fields[i + 1]);
            }
        }
        return out;
    }

    private static boolean safe(String s) {
        // indexOf is a vectorised intrinsic: three scans beat one loop over charAt
        return s.indexOf('\r') < 0 && s.indexOf('\n') < 0 && s.indexOf(0) < 0;
    }

    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < length; i += 2) {
            action.accept(fields[i], fields[i + 1]);
        }
    }

    public int size() {
        return length / 2;
    }

    public String name(int i) {
        return fields[2 * i];
    }

    public String value(int i) {
        return fields[2 * i + 1];
    }
}
