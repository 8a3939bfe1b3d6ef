package io.sluice.gateway.mirror;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How a gateway mirrors.
 *
 * @param queueCapacity   copies waiting for the producer; when full a copy is dropped and counted (default 10 000)
 * @param bodyCap         request body bytes kept per copy; longer bodies are truncated and flagged (default 64 KiB)
 * @param redactedHeaders request headers whose values never leave the gateway, lower-case
 *                        (default Authorization, Cookie, Proxy-Authorization, Set-Cookie)
 * @param keptResponseHeaders primary response headers recorded for comparison, lower-case
 *                        (default content-type, location, cache-control)
 * @param dropReportEvery how often dropped counts are published to the mirror topic (default 1 s)
 */
public record MirrorSettings(int queueCapacity, int bodyCap, Set<String> redactedHeaders,
                             List<String> keptResponseHeaders, Duration dropReportEvery) {

    public static final Set<String> DEFAULT_REDACTED =
            Set.of("authorization", "cookie", "proxy-authorization", "set-cookie");
    public static final List<String> DEFAULT_KEPT = List.of("content-type", "location", "cache-control");

    public MirrorSettings {
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("mirror queue capacity: must be at least 1, not " + queueCapacity);
        }
        if (bodyCap < 0) {
            throw new IllegalArgumentException("mirror body cap: must not be negative, not " + bodyCap);
        }
        redactedHeaders = redactedHeaders.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        keptResponseHeaders = keptResponseHeaders.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    }

    public static MirrorSettings defaults() {
        return new MirrorSettings(10_000, 64 * 1024, DEFAULT_REDACTED, DEFAULT_KEPT, Duration.ofSeconds(1));
    }

    public MirrorSettings withQueueCapacity(int capacity) {
        return new MirrorSettings(capacity, bodyCap, redactedHeaders, keptResponseHeaders, dropReportEvery);
    }

    public MirrorSettings withBodyCap(int cap) {
        return new MirrorSettings(queueCapacity, cap, redactedHeaders, keptResponseHeaders, dropReportEvery);
    }

    public MirrorSettings withRedactedHeaders(Set<String> headers) {
        return new MirrorSettings(queueCapacity, bodyCap, headers, keptResponseHeaders, dropReportEvery);
    }

    public MirrorSettings withKeptResponseHeaders(List<String> headers) {
        return new MirrorSettings(queueCapacity, bodyCap, redactedHeaders, headers, dropReportEvery);
    }

    /** Splits a comma-separated flag value; blank gives an empty list. */
    public static List<String> list(String csv) {
        return csv == null || csv.isBlank() ? List.of()
                : Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
