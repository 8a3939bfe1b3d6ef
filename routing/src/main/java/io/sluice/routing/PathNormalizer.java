package io.sluice.routing;

/**
 * Normalises a request path before matching, so that routing and any rule keyed on the path see the
 * same resource the upstream will: RFC 3986 dot segments removed, repeated slashes merged, the
 * fragment dropped. Percent-encoded slashes and backslashes ({@code %2F}, {@code %5C}) are kept
 * encoded and never become separators.
 */
public final class PathNormalizer {

    private PathNormalizer() {
    }

    /** The normalised path of a request target's path part (no query). */
    public static String normalize(String rawPath) {
        String p = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        int hash = p.indexOf('#');
        if (hash >= 0) {
            p = p.substring(0, hash);
        }
        if (p.isEmpty() || p.charAt(0) != '/') {
            p = "/" + p;
        }
        String[] segments = p.split("/", -1);
        java.util.ArrayDeque<String> out = new java.util.ArrayDeque<>();
        for (int i = 1; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (s.equals(".") || isEncodedDot(s, 1)) {
                if (last) {
                    out.addLast("");
                }
            } else if (s.equals("..") || isEncodedDot(s, 2)) {
                out.pollLast();
                if (last) {
                    out.addLast("");
                }
            } else if (s.isEmpty() && !last) {
                // merge '//' into '/'
            } else {
                out.addLast(s);
            }
        }
        return "/" + String.join("/", out);
    }

    private static boolean isEncodedDot(String s, int dots) {
        String lower = s.toLowerCase(java.util.Locale.ROOT).replace("%2e", ".");
        return !lower.equals(s) && lower.equals(dots == 1 ? "." : "..");
    }
}
