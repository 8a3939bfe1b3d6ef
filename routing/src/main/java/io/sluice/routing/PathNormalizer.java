package io.sluice.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * Normalises a request path before matching, so that routing and any rule keyed on the path see the
 * same resource the upstream will (Envoy's {@code normalize_path} plus {@code merge_slashes}):
 * <ul>
 *   <li>the fragment is dropped: it is never sent to a server, so it must not hide a path from a rule;</li>
 *   <li>percent-encoded unreserved characters (ALPHA, DIGIT, {@code -._~}) are decoded, so {@code %2e} is
 *       a dot and {@code %61dmin} is {@code admin}; other escapes stay encoded with upper-case hex;</li>
 *   <li>RFC 3986 dot segments are removed and repeated slashes merged.</li>
 * </ul>
 * Only a literal {@code /} separates segments: {@code %2F}, {@code %5C} and a literal backslash stay
 * inside their segment and are never decoded, so {@code /public%2F..%2Fadmin} is one segment below
 * {@code /public}, not {@code /admin}. Decoding only unreserved characters also keeps the result
 * stable: normalising twice gives the same path, so a double-encoded {@code %252e} cannot turn into a
 * dot further down.
 */
public final class PathNormalizer {

    private static final String HEX = "0123456789ABCDEF";

    private PathNormalizer() {
    }

    /** The normalised path of a request target's path part (no query). */
    public static String normalize(String rawPath) {
        String p = rawPath == null ? "" : rawPath;
        int hash = p.indexOf('#');
        if (hash >= 0) {
            p = p.substring(0, hash);
        }
        return removeDotSegments(decodeUnreserved(p));
    }

    /** Decodes escapes of unreserved characters and upper-cases the hex digits of every other escape. */
    private static String decodeUnreserved(String p) {
        if (p.indexOf('%') < 0) {
            return p;
        }
        StringBuilder sb = new StringBuilder(p.length());
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            int hi = i + 2 < p.length() && c == '%' ? Character.digit(p.charAt(i + 1), 16) : -1;
            int lo = hi >= 0 ? Character.digit(p.charAt(i + 2), 16) : -1;
            if (lo < 0) {
                sb.append(c); // not an escape: a stray '%' is kept as sent
                continue;
            }
            char decoded = (char) (hi * 16 + lo);
            if (isUnreserved(decoded)) {
                sb.append(decoded);
            } else {
                sb.append('%').append(HEX.charAt(hi)).append(HEX.charAt(lo));
            }
            i += 2;
        }
        return sb.toString();
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    /** RFC 3986 section 5.2.4, with empty segments (from {@code //}) merged away. */
    private static String removeDotSegments(String p) {
        if (p.startsWith("/") && p.indexOf("/.") < 0 && p.indexOf("//") < 0) {
            return p; // no dot segment, no empty segment: nothing to remove (most paths)
        }
        String[] segments = p.split("/", -1);
        List<String> out = new ArrayList<>(segments.length);
        // a path without a leading '/' is taken as relative to the root: segment 0 is then a real segment
        int first = p.startsWith("/") ? 1 : 0;
        for (int i = first; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (s.equals("..") && !out.isEmpty()) {
                out.removeLast();
            }
            if (s.equals(".") || s.equals("..")) {
                if (last) {
                    out.add(""); // "/a/b/.." is the directory "/a/", as RFC 3986 resolves it
                }
            } else if (!s.isEmpty() || last) {
                out.add(s);
            }
        }
        return "/" + String.join("/", out);
    }
}
