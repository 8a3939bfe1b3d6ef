package io.sluice.gateway.resilience;

import io.sluice.routing.RoutePolicy;
import io.sluice.routing.RoutePolicy.RetryOn;

/** When a try's outcome is worth another try, and how long to wait first. */
public final class Retries {

    /** Envoy's base retry interval; the cap is ten times it. */
    public static final long BASE_MILLIS = 25;
    private static final long MAX_MILLIS = 10 * BASE_MILLIS;

    /** How a try ended when the upstream gave no response. */
    public enum LocalFailure { CONNECT_FAILURE, PER_TRY_TIMEOUT, RESET }

    private Retries() {
    }

    /** Whether a response with this status (and gRPC status header, or null) is retried. */
    public static boolean retriable(RoutePolicy.Retries policy, int status, String grpcStatus) {
        if (policy.retries(RetryOn.FIVE_XX) && status >= 500) {
            return true;
        }
        if (policy.retries(RetryOn.GATEWAY_ERROR) && status >= 502 && status <= 504) {
            return true;
        }
        if (policy.retries(RetryOn.RETRIABLE_4XX) && status == 409) {
            return true;
        }
        if (policy.retries(RetryOn.RETRIABLE_STATUS_CODES) && policy.statusCodes().contains(status)) {
            return true;
        }
        return grpcStatus != null && switch (grpcStatus.trim()) {
            case "1" -> policy.retries(RetryOn.CANCELLED);
            case "4" -> policy.retries(RetryOn.DEADLINE_EXCEEDED);
            case "8" -> policy.retries(RetryOn.RESOURCE_EXHAUSTED);
            case "13" -> policy.retries(RetryOn.INTERNAL);
            case "14" -> policy.retries(RetryOn.UNAVAILABLE);
            default -> false;
        };
    }

    /** Whether a try that got no response is retried: 5xx and gateway-error cover every such case, as in Envoy. */
    public static boolean retriable(RoutePolicy.Retries policy, LocalFailure failure) {
        if (policy.retries(RetryOn.FIVE_XX) || policy.retries(RetryOn.GATEWAY_ERROR)) {
            return true;
        }
        return switch (failure) {
            case CONNECT_FAILURE -> policy.retries(RetryOn.CONNECT_FAILURE);
            case PER_TRY_TIMEOUT, RESET -> policy.retries(RetryOn.RESET);
        };
    }

    /**
     * Fully jittered exponential backoff as in Envoy: uniform in [0, min(250, 25 * 2^(retry-1)) ms).
     *
     * @param retry 1 for the first retry
     * @param draw  uniform in [0, 1), so tests can pin it
     */
    public static long backoffMillis(int retry, double draw) {
        long ceiling = Math.min(MAX_MILLIS, BASE_MILLIS << Math.min(retry - 1, 10));
        return (long) (draw * ceiling);
    }
}
