package io.sluice.model;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Istio's durations ({@code 1.5s}, {@code 500ms}, {@code 1m}, {@code 1h30m}): Go's
 * {@code time.ParseDuration} syntax, shared by validation (which reports bad values) and the route
 * compiler (which turns valid ones into {@link Duration}s).
 */
public final class Durations {

    private static final Pattern PART = Pattern.compile("([0-9]*(\\.[0-9]*)?)(ns|us|µs|ms|s|m|h)");

    private Durations() {
    }

    /**
     * @return the duration, possibly negative or below a millisecond; null for null
     * @throws IllegalArgumentException when the text is not Go duration syntax
     */
    public static Duration parse(String value) {
        if (value == null) {
            return null;
        }
        String s = value.trim();
        boolean negative = s.startsWith("-");
        if (negative || s.startsWith("+")) {
            s = s.substring(1);
        }
        BigDecimal nanos = BigDecimal.ZERO;
        Matcher m = PART.matcher(s);
        int end = 0;
        while (end < s.length()) {
            m.region(end, s.length());
            if (!m.lookingAt() || m.group(1).isEmpty() || m.group(1).equals(".")) {
                break;
            }
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNanos(m.group(3)))));
            end = m.end();
        }
        if (s.isEmpty() || end != s.length()) {
            throw new IllegalArgumentException("not a valid duration: " + value);
        }
        Duration d = Duration.ofNanos(nanos.longValue());
        return negative ? d.negated() : d;
    }

    /** Whole milliseconds of a valid duration's text, or {@code fallback} when the text is null. */
    public static long millis(String value, long fallback) {
        Duration d = parse(value);
        return d == null ? fallback : d.toMillis();
    }

    private static long unitNanos(String unit) {
        return switch (unit) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw new IllegalArgumentException(unit);
        };
    }
}
