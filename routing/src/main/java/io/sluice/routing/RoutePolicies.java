package io.sluice.routing;

import io.sluice.model.Durations;
import io.sluice.model.istio.GrpcStatus;
import io.sluice.model.istio.Percent;
import io.sluice.model.istio.VirtualServiceSpec.HTTPFaultInjection;
import io.sluice.model.istio.VirtualServiceSpec.HTTPRetry;
import io.sluice.model.istio.VirtualServiceSpec.HTTPRoute;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;

/** Compiles an http rule's timeout, retries, fault and CORS policy into a {@link RoutePolicy}. */
final class RoutePolicies {

    private RoutePolicies() {
    }

    static RoutePolicy compile(HTTPRoute rule) {
        if (rule.timeout() == null && rule.retries() == null && rule.fault() == null && rule.corsPolicy() == null) {
            return RoutePolicy.DEFAULT;
        }
        Duration timeout = positive(Durations.parse(rule.timeout()));
        return new RoutePolicy(timeout, retries(rule.retries()), fault(rule.fault()), Cors.compile(rule.corsPolicy()));
    }

    /** As Istio: no block means the mesh default; {@code attempts: 0} turns retries off. */
    static RoutePolicy.Retries retries(HTTPRetry r) {
        if (r == null) {
            return RoutePolicy.Retries.ISTIO_DEFAULT;
        }
        int attempts = r.attempts() == null ? 0 : r.attempts();
        if (attempts <= 0) {
            return RoutePolicy.Retries.NONE;
        }
        Set<RoutePolicy.RetryOn> on = EnumSet.noneOf(RoutePolicy.RetryOn.class);
        Set<Integer> codes = new HashSet<>();
        if (r.retryOn() == null || r.retryOn().isBlank()) {
            on.addAll(RoutePolicy.Retries.ISTIO_DEFAULT.on());
        } else {
            for (String token : r.retryOn().split(",")) {
                String t = token.trim();
                if (t.matches("[1-5][0-9][0-9]")) {
                    codes.add(Integer.parseInt(t));
                    on.add(RoutePolicy.RetryOn.RETRIABLE_STATUS_CODES);
                } else if (RoutePolicy.RetryOn.of(t) != null) {
                    on.add(RoutePolicy.RetryOn.of(t));
                }
            }
        }
        return new RoutePolicy.Retries(attempts, positive(Durations.parse(r.perTryTimeout())), on, codes);
    }

    /** A share left out means none, as Istio's docs say; the deprecated integer {@code percent} still counts. */
    static RoutePolicy.Fault fault(HTTPFaultInjection f) {
        if (f == null) {
            return RoutePolicy.Fault.NONE;
        }
        Duration delay = null;
        double delayPct = 0;
        if (f.delay() != null) {
            delay = Durations.parse(f.delay().fixedDelay());
            delayPct = f.delay().percentage() != null ? percent(f.delay().percentage())
                    : f.delay().percent() != null ? f.delay().percent() : 0;
        }
        int status = 0;
        int grpcStatus = -1;
        double abortPct = 0;
        if (f.abort() != null) {
            status = f.abort().httpStatus() != null ? f.abort().httpStatus() : 0;
            grpcStatus = f.abort().grpcStatus() != null ? GrpcStatus.of(f.abort().grpcStatus()).ordinal() : -1;
            abortPct = percent(f.abort().percentage());
        }
        return new RoutePolicy.Fault(delay, delayPct, status, grpcStatus, abortPct);
    }

    private static double percent(Percent p) {
        return p == null || p.value() == null ? 0 : p.value();
    }

    private static Duration positive(Duration d) {
        return d == null || d.isZero() || d.isNegative() ? null : d;
    }
}
