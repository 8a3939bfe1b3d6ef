package io.sluice.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Field-level difference of two JSON documents, as JSON Pointers ({@code /items/0/price}). Arrays are
 * compared index by index. Fields can be ignored by pointer ({@code /meta/requestId}) or by name
 * anywhere ({@code timestamp}), which is how Diffy-style noise is kept out of the report.
 */
final class JsonDiff {

    /** One differing field: its pointer and both values (null when absent on that side). */
    record Difference(String pointer, JsonNode primary, JsonNode shadow) {

        @Override
        public String toString() {
            return pointer + ": " + text(primary) + " -> " + text(shadow);
        }

        private static String text(JsonNode n) {
            return n == null ? "(absent)" : n.toString();
        }
    }

    private final Set<String> ignoredPointers = new LinkedHashSet<>();
    private final Set<String> ignoredNames = new LinkedHashSet<>();

    /** @param ignore pointers (starting with '/') or bare field names */
    JsonDiff(Iterable<String> ignore) {
        for (String i : ignore) {
            (i.startsWith("/") ? ignoredPointers : ignoredNames).add(i);
        }
    }

    List<Difference> diff(JsonNode primary, JsonNode shadow) {
        List<Difference> out = new ArrayList<>();
        walk("", null, primary, shadow, out);
        return out;
    }

    private void walk(String pointer, String name, JsonNode a, JsonNode b, List<Difference> out) {
        if (ignoredPointers.contains(pointer) || (name != null && ignoredNames.contains(name))) {
            return;
        }
        if (a != null && b != null && a.isObject() && b.isObject()) {
            Set<String> names = new LinkedHashSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                walk(pointer + "/" + escape(n), n, a.get(n), b.get(n), out);
            }
            return;
        }
        if (a != null && b != null && a.isArray() && b.isArray()) {
            int size = Math.max(a.size(), b.size());
            for (int i = 0; i < size; i++) {
                walk(pointer + "/" + i, null, a.get(i), b.get(i), out);
            }
            return;
        }
        if (a == null ? b != null : !a.equals(b)) {
            out.add(new Difference(pointer.isEmpty() ? "/" : pointer, a, b));
        }
    }

    /** RFC 6901: '~' and '/' in a name are escaped. */
    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    static List<String> pointers(List<Difference> diffs) {
        List<String> out = new ArrayList<>();
        for (Iterator<Difference> it = diffs.iterator(); it.hasNext(); ) {
            out.add(it.next().pointer());
        }
        return out;
    }
}
