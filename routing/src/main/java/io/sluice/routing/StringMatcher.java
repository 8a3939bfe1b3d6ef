package io.sluice.routing;

import io.sluice.model.istio.StringMatch;
import java.util.Locale;
import java.util.regex.Pattern;

/** A compiled Istio StringMatch. An empty StringMatch matches any present value. */
sealed interface StringMatcher {

    boolean matches(String value);

    static StringMatcher of(StringMatch m, boolean ignoreCase) {
        if (m == null) {
            return Present.INSTANCE;
        }
        if (m.exact() != null) {
            return new Exact(m.exact(), ignoreCase);
        }
        if (m.prefix() != null) {
            return new Prefix(m.prefix(), ignoreCase);
        }
        if (m.regex() != null) {
            return new Regex(Pattern.compile(m.regex(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0));
        }
        return Present.INSTANCE;
    }

    record Exact(String value, boolean ignoreCase) implements StringMatcher {
        @Override
        public boolean matches(String v) {
            return v != null && (ignoreCase ? value.equalsIgnoreCase(v) : value.equals(v));
        }
    }

    record Prefix(String value, boolean ignoreCase) implements StringMatcher {
        @Override
        public boolean matches(String v) {
            return v != null && v.regionMatches(ignoreCase, 0, value, 0, value.length());
        }
    }

    /** Istio regexes match the whole value (RE2 full match). */
    record Regex(Pattern pattern) implements StringMatcher {
        @Override
        public boolean matches(String v) {
            return v != null && pattern.matcher(v).matches();
        }

        @Override
        public String toString() {
            return "Regex[" + pattern.pattern() + "]";
        }
    }

    /**
     * A Kubernetes Ingress {@code Prefix} path: whole path elements, so {@code /foo} matches {@code /foo},
     * {@code /foo/} and {@code /foo/bar} but not {@code /foobar}. A trailing slash in the rule is
     * ignored and {@code /} matches every path.
     */
    record PathPrefix(String value) implements StringMatcher {

        static PathPrefix of(String path) {
            String p = path == null ? "" : path;
            int end = p.length();
            while (end > 0 && p.charAt(end - 1) == '/') {
                end--;
            }
            return new PathPrefix(p.substring(0, end));
        }

        @Override
        public boolean matches(String v) {
            return v != null && v.startsWith(value)
                    && (v.length() == value.length() || value.isEmpty() || v.charAt(value.length()) == '/');
        }
    }

    /**
     * A Kubernetes Ingress wildcard host: {@code *.foo.com} stands for exactly one label, so it matches
     * {@code bar.foo.com} but neither {@code foo.com} nor {@code baz.bar.foo.com} (Istio hosts, by
     * contrast, take any number of labels). Applied to the normalised request host.
     *
     * @param suffix the pattern without its {@code *}: {@code .foo.com}
     */
    record OneLabelWildcard(String suffix) implements StringMatcher {
        @Override
        public boolean matches(String v) {
            int label = v == null ? -1 : v.length() - suffix.length();
            return label > 0 && v.endsWith(suffix) && v.lastIndexOf('.', label - 1) < 0;
        }
    }

    /** The opposite of another matcher, absent values included. */
    record Not(StringMatcher negated) implements StringMatcher {
        @Override
        public boolean matches(String v) {
            return !negated.matches(v);
        }
    }

    enum Present implements StringMatcher {
        INSTANCE;

        @Override
        public boolean matches(String v) {
            return v != null;
        }
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
