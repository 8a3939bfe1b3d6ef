package io.sluice.routing;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * What a forwarding rule does besides choosing a cluster, compiled from a VirtualService http rule's
 * {@code timeout}, {@code retries}, {@code fault} and {@code corsPolicy}.
 *
 * @param timeout the whole request's budget, retries included; null means none (Istio's default)
 * @param cors    the rule's cross-origin policy; null means none, and no request is treated as CORS
 */
public record RoutePolicy(Duration timeout, Retries retries, Fault fault, Cors cors) {

    /** Istio's defaults: no timeout, the mesh retry policy, no fault, no CORS policy. */
    public static final RoutePolicy DEFAULT = new RoutePolicy(null, Retries.ISTIO_DEFAULT, Fault.NONE, null);

    /** Envoy's retry conditions (x-envoy-retry-on names) that an HTTP/1.1 proxy can observe. */
    public enum RetryOn {
        /** any 5xx response, or no response at all (connect failure, reset, per-try timeout) */
        FIVE_XX("5xx"),
        /** 502, 503 or 504 from upstream, or a local connect failure or timeout */
        GATEWAY_ERROR("gateway-error"),
        CONNECT_FAILURE("connect-failure"),
        /** HTTP/2 REFUSED_STREAM; never seen over HTTP/1.1 upstreams, accepted for Istio's default */
        REFUSED_STREAM("refused-stream"),
        /** disconnect, reset or per-try timeout before response headers */
        RESET("reset"),
        /** 409 */
        RETRIABLE_4XX("retriable-4xx"),
        /** the numeric codes listed beside the conditions */
        RETRIABLE_STATUS_CODES("retriable-status-codes"),
        /** gRPC status in the response headers */
        CANCELLED("cancelled"),
        DEADLINE_EXCEEDED("deadline-exceeded"),
        INTERNAL("internal"),
        RESOURCE_EXHAUSTED("resource-exhausted"),
        UNAVAILABLE("unavailable");

        private final String istioName;

        RetryOn(String istioName) {
            this.istioName = istioName;
        }

        public String istioName() {
            return istioName;
        }

        /** The condition for an Istio name, or null for one an HTTP/1.1 proxy never sees. */
        static RetryOn of(String name) {
            for (RetryOn r : values()) {
                if (r.istioName.equals(name)) {
                    return r;
                }
            }
            return null;
        }
    }

    /**
     * @param attempts      retries after the first try (Istio's {@code attempts}, Envoy's num_retries)
     * @param perTryTimeout budget of one try; null means the remaining route budget
     * @param statusCodes   codes retried under {@link RetryOn#RETRIABLE_STATUS_CODES}
     */
    public record Retries(int attempts, Duration perTryTimeout, Set<RetryOn> on, Set<Integer> statusCodes) {

        /** Istio's mesh-wide default: 2 retries on connect-failure, refused-stream, unavailable, cancelled. */
        public static final Retries ISTIO_DEFAULT = new Retries(2, null, Set.of(RetryOn.CONNECT_FAILURE,
                RetryOn.REFUSED_STREAM, RetryOn.UNAVAILABLE, RetryOn.CANCELLED), Set.of());
        public static final Retries NONE = new Retries(0, null, Set.of(), Set.of());

        public Retries {
            // asked up to five times per forwarded response: an EnumSet answers with one bit test
            on = on.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(on));
            statusCodes = Set.copyOf(statusCodes);
        }

        public boolean retries(RetryOn condition) {
            return on.contains(condition);
        }
    }

    /**
     * @param delay           injected before forwarding, or null
     * @param delayPercent    share of requests delayed, 0 to 100
     * @param abortStatus     status answered instead of forwarding, or 0
     * @param abortGrpcStatus gRPC status answered instead (HTTP 200 with {@code grpc-status}), or -1
     * @param abortPercent    share of requests aborted, 0 to 100
     */
    public record Fault(Duration delay, double delayPercent, int abortStatus, int abortGrpcStatus,
                        double abortPercent) {

        public static final Fault NONE = new Fault(null, 0, 0, -1, 0);

        /** Whether a draw uniform in [0, 100) falls in the delayed share. */
        public boolean delays(double draw) {
            return delay != null && draw < delayPercent;
        }

        public boolean aborts(double draw) {
            return (abortStatus > 0 || abortGrpcStatus >= 0) && draw < abortPercent;
        }
    }
}
