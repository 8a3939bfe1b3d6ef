package io.sluice.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Host lookup as Envoy does it: the exact name, then wildcard suffixes longest first, then {@code *}.
 * {@code *.sockshop.com} matches {@code a.sockshop.com} and {@code a.b.sockshop.com}, not
 * {@code sockshop.com}. Names are lower-case; callers normalise the request's host.
 */
final class HostMatcher<T> {

    private final Map<String, T> exact;
    private final List<Map.Entry<String, T>> suffixes;
    private final T catchAll;

    private HostMatcher(Map<String, T> exact, List<Map.Entry<String, T>> suffixes, T catchAll) {
        this.exact = exact;
        this.suffixes = suffixes;
        this.catchAll = catchAll;
    }

    /** Builds from pattern → value; patterns are exact names, {@code *.suffix} or {@code *}. */
    static <T> HostMatcher<T> of(Map<String, T> byPattern) {
        Map<String, T> exact = new HashMap<>();
        List<Map.Entry<String, T>> suffixes = new ArrayList<>();
        T catchAll = null;
        for (var e : byPattern.entrySet()) {
            String p = e.getKey();
            if (p.equals("*")) {
                catchAll = e.getValue();
            } else if (p.startsWith("*")) {
                suffixes.add(Map.entry(p.substring(1), e.getValue()));
            } else {
                exact.put(p, e.getValue());
            }
        }
        suffixes.sort(Comparator.comparingInt((Map.Entry<String, T> e) -> e.getKey().length()).reversed());
        return new HostMatcher<>(Map.copyOf(exact), List.copyOf(suffixes), catchAll);
    }

    T find(String host) {
        T v = exact.get(host);
        if (v != null) {
            return v;
        }
        for (var e : suffixes) {
            String suffix = e.getKey();
            if (host.length() > suffix.length() && host.endsWith(suffix)) {
                return e.getValue();
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

    List<String> patterns() {
        List<String> all = new ArrayList<>(exact.keySet());
        suffixes.forEach(e -> all.add("*" + e.getKey()));
        if (catchAll != null) {
            all.add("*");
        }
        all.sort(null);
        return all;
    }
}
