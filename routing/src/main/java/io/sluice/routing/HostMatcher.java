package io.sluice.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Host lookup as Envoy does it: the exact name, then wildcard suffixes longest first, then {@code *}.
 * {@code *.sockshop.com} matches {@code a.sockshop.com} and {@code a.b.sockshop.com}, not
 * {@code sockshop.com}. Names are lower-case; callers normalise the request's host.
 * <p>
 * A wildcard stands for whole labels only (Istio rejects {@code *foo.com}), so a lookup walks the
 * host's dots and probes one hash map per label: exact hosts cost one probe, wildcards one per label,
 * however many patterns the table holds. The names live packed in flat arrays ({@link PackedNames}):
 * with 10 000 hosts a lookup is bound by cache misses, and each object hop is one more.
 */
final class HostMatcher<T> {

    private final PackedNames<T> exact;
    /** Keyed by the suffix with its leading dot: {@code .sockshop.com}. */
    private final PackedNames<T> suffixes;
    private final T catchAll;

    private HostMatcher(PackedNames<T> exact, PackedNames<T> suffixes, T catchAll) {
        this.exact = exact;
        this.suffixes = suffixes;
        this.catchAll = catchAll;
    }

    /** Builds from pattern → value; patterns are exact names, {@code *.suffix} or {@code *}. */
    static <T> HostMatcher<T> of(Map<String, T> byPattern) {
        // lists, not maps: the patterns are distinct already, and a gateway rebuilds this on every change
        List<Map.Entry<String, T>> exact = new ArrayList<>(byPattern.size());
        List<Map.Entry<String, T>> suffixes = new ArrayList<>();
        T catchAll = sort(byPattern, (name, v) -> exact.add(Map.entry(name, v)),
                (suffix, v) -> suffixes.add(Map.entry(suffix, v)), null);
        return new HostMatcher<>(PackedNames.of(exact), PackedNames.of(suffixes), catchAll);
    }

    /**
     * This matcher with {@code changes} applied, pattern → value, null removing the pattern: costs the
     * changes, not the patterns ({@link PackedNames#with}), so a gateway's change to one host of ten
     * thousand does not re-pack the other ones.
     */
    HostMatcher<T> with(Map<String, T> changes) {
        Map<String, T> exactChanges = new HashMap<>();
        Map<String, T> suffixChanges = new HashMap<>();
        T all = sort(changes, exactChanges::put, suffixChanges::put, catchAll);
        return new HostMatcher<>(exactChanges.isEmpty() ? exact : exact.with(exactChanges),
                suffixChanges.isEmpty() ? suffixes : suffixes.with(suffixChanges), all);
    }

    /**
     * Hands each pattern to the table a lookup probes it in: exact names as they are, wildcards keyed
     * by their suffix with its leading dot ({@code .sockshop.com}). Returns the value of {@code *} if
     * there is one among them, else {@code catchAll}.
     */
    private static <T> T sort(Map<String, T> byPattern, BiConsumer<String, T> exact, BiConsumer<String, T> suffix,
                              T catchAll) {
        T all = catchAll;
        for (var e : byPattern.entrySet()) {
            String p = e.getKey();
            if (p.equals("*")) {
                all = e.getValue();
            } else if (p.startsWith("*.")) {
                suffix.accept(p.substring(1), e.getValue());
            } else {
                exact.accept(p, e.getValue());
            }
        }
        return all;
    }

    T find(String host) {
        T v = exact.get(host, 0, host.hashCode());
        if (v != null) {
            return v;
        }
        if (!suffixes.isEmpty()) {
            // from index 1: the wildcard needs a non-empty first label
            for (int dot = host.indexOf('.', 1); dot > 0; dot = host.indexOf('.', dot + 1)) {
                v = suffixes.get(host, dot, PackedNames.hash(host, dot));
                if (v != null) {
                    return v;
                }
            }
        }
        return catchAll;
    }

    /** Whether pattern {@code a} covers every host pattern {@code b} matches. */
    static boolean covers(String a, String b) {
        if (a.equals("*") || a.equals(b)) {
            return true;
        }
        if (a.startsWith("*.")) {
            String suffix = a.substring(1);
            String bs = b.startsWith("*.") ? b.substring(1) : b;
            return bs.length() > suffix.length() ? bs.endsWith(suffix) : b.startsWith("*") && bs.equals(suffix);
        }
        return false;
    }

    /**
     * The hosts two patterns have in common, as a pattern, or null: a VirtualService host bound to a
     * Gateway server host serves the more specific of the two.
     */
    static String intersect(String a, String b) {
        if (covers(a, b)) {
            return b;
        }
        if (covers(b, a)) {
            return a;
        }
        return null;
    }

    /** Every value, in no particular order: for a walk over all of them, without naming each. */
    List<T> values() {
        List<T> all = new ArrayList<>(exact.values());
        all.addAll(suffixes.values());
        if (catchAll != null) {
            all.add(catchAll);
        }
        return all;
    }

    List<String> patterns() {
        List<String> all = new ArrayList<>(exact.names());
        suffixes.names().forEach(s -> all.add("*" + s));
        if (catchAll != null) {
            all.add("*");
        }
        all.sort(null);
        return all;
    }
}
