package io.sluice.routing;

import io.sluice.model.istio.StringMatch;
import java.util.Locale;
import java.util.regex.Pattern;

/** A compiled Istio StringMatch. An empty StringMatch matches any present value. */
public sealed interface StringMatcher {

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
            return Regex.of(m.regex(), ignoreCase);
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

    /**
     * Istio regexes match the whole value (RE2 full match). Most route regexes start with a literal
     * ({@code /api/v[0-9]+/.*}); checking it first rejects most requests without running the regex
     * engine or allocating a matcher.
     */
    record Regex(Pattern pattern, String literalPrefix, boolean ignoreCase) implements StringMatcher {

        static Regex of(String regex, boolean ignoreCase) {
            return new Regex(Pattern.compile(regex, ignoreCase ? Pattern.CASE_INSENSITIVE : 0),
                    literalPrefix(regex), ignoreCase);
        }

        @Override
        public boolean matches(String v) {
            return v != null && v.regionMatches(ignoreCase, 0, literalPrefix, 0, literalPrefix.length())
                    && pattern.matcher(v).matches();
        }

        /**
         * The characters every match must start with: the regex up to its first metacharacter, less
         * the last character when a quantifier follows it (in {@code ab?} only {@code a} is certain).
         */
        static String literalPrefix(String regex) {
            int i = 0;
            while (i < regex.length() && "\\^$.|?*+()[]{}".indexOf(regex.charAt(i)) < 0) {
                i++;
            }
            if (i < regex.length() && "?*{".indexOf(regex.charAt(i)) >= 0 && i > 0) {
                i--;
            }
            if (i < regex.length() && regex.charAt(i) == '|' || regex.indexOf('|') >= 0) {
                return ""; // an alternation anywhere may start differently
            }
            return regex.substring(0, i);
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
