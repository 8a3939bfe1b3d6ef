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
