package io.sluice.gateway.resilience;

import io.sluice.routing.ClusterPolicy;
import io.sluice.routing.Upstream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Run-time state of one cluster, kept across table swaps: its endpoints' states by address, the
 * round-robin cursor, and the connection-pool gate for its current limits.
 */
public final class ClusterState {

    /** Envoy's max_ejection_time default: ejections grow with each repeat up to this. */
    private static final long MAX_EJECTION_NANOS = Duration.ofSeconds(300).toNanos();

    private final ConcurrentHashMap<String, EndpointState> endpoints = new ConcurrentHashMap<>();
    final AtomicInteger cursor = new AtomicInteger();
    /** Envoy's upstream_rq_retry, upstream_rq_pending_overflow and outlier_detection.ejections_enforced_total. */
    public final LongAdder retries = new LongAdder();
    public final LongAdder overflows = new LongAdder();
    public final LongAdder ejections = new LongAdder();
    /** Requests in their retry phase, against the pool's maxRetries. */
    private final AtomicInteger retriesInFlight = new AtomicInteger();
    private volatile PoolGate gate = new PoolGate(ClusterPolicy.ConnectionPool.UNLIMITED);
    /** Whether {@link #noteArrivals} has run: endpoints known before that are not new. */
    private volatile boolean seenEndpoints;

    public EndpointState endpoint(String authority) {
        EndpointState s = endpoints.get(authority);
        return s != null ? s : endpoints.computeIfAbsent(authority, a -> new EndpointState());
    }

    /** A request's claim on the cluster's outstanding retries, at most {@code maxRetries} of them. */
    public RetrySlot retrySlot(int maxRetries) {
        return new RetrySlot(retriesInFlight, maxRetries);
    }

    /** The gate for a pool's limits; a table that changes the limits gets a fresh gate. */
    public PoolGate gate(ClusterPolicy.ConnectionPool limits) {
        PoolGate g = gate;
        if (!g.limits().equals(limits)) {
            synchronized (this) {
                if (!gate.limits().equals(limits)) {
                    gate = new PoolGate(limits);
                }
                g = gate;
            }
        }
        return g;
    }

    /**
     * Notes the endpoints the cluster has not seen before as joining now, for slow start; those it
     * sees the first time it is looked at were there from the start and warm up from nothing.
     */
    void noteArrivals(List<Upstream> all, long now) {
        boolean first = !seenEndpoints;
        for (Upstream u : all) {
            if (!endpoints.containsKey(u.authority())) {
                EndpointState e = endpoint(u.authority());
                if (!first) {
                    e.joinedAt = now;
                }
            }
        }
        seenEndpoints = true;
    }

    void retainEndpoints(Set<String> authorities) {
        endpoints.keySet().retainAll(authorities);
    }

    /**
     * Counts one outcome of a request to an endpoint and ejects it once it has failed too many times
     * in a row. {@code status} is the upstream's status, or the local one (503 connect failure, 504
     * timeout) when it did not answer, which counts as a gateway error as in Envoy.
     *
     * @param hosts the cluster's endpoint count, for maxEjectionPercent
     * @return whether this outcome ejected the endpoint
     */
    public boolean record(EndpointState e, int status, ClusterPolicy.Outlier policy, int hosts, long now) {
        if (policy == null) {
            return false;
        }
        if (policy.splitLocalOrigin()) {
            e.consecutiveLocalOrigin.set(0); // an answer came: the connection works
        }
        if (status < 500) {
            e.consecutive5xx.set(0);
            e.consecutiveGateway.set(0);
            return false;
        }
        int fiveXx = e.consecutive5xx.incrementAndGet();
        int gateway = 0;
        if (status >= 502 && status <= 504) {
            gateway = e.consecutiveGateway.incrementAndGet();
        } else {
            e.consecutiveGateway.set(0);
        }
        boolean trip = (policy.consecutive5xx() > 0 && fiveXx >= policy.consecutive5xx())
                || (policy.consecutiveGateway() > 0 && gateway >= policy.consecutiveGateway());
        return trip && eject(e, policy, hosts, now);
    }

    /**
     * Counts a try that got no answer: a connect failure, a reset, or a timeout. As Envoy does, it is a
     * 503 (504 for a timeout) unless the policy splits local-origin errors off, when it counts only
     * toward {@code consecutiveLocalOriginFailures}.
     *
     * @return whether this failure ejected the endpoint
     */
    public boolean recordNoAnswer(EndpointState e, boolean timeout, ClusterPolicy.Outlier policy, int hosts, long now) {
        if (policy == null || !policy.splitLocalOrigin()) {
            return record(e, timeout ? 504 : 503, policy, hosts, now);
        }
        int failures = e.consecutiveLocalOrigin.incrementAndGet();
        return policy.consecutiveLocalOrigin() > 0 && failures >= policy.consecutiveLocalOrigin()
                && eject(e, policy, hosts, now);
    }

    private synchronized boolean eject(EndpointState e, ClusterPolicy.Outlier policy, int hosts, long now) {
        if (e.ejected(now)) {
            return false;
        }
        int ejectedNow = 0;
        for (EndpointState other : endpoints.values()) {
            if (other.ejected(now)) {
                ejectedNow++;
            }
        }
        // Envoy ejects at least one host whatever the percentage
        if (ejectedNow > 0 && (ejectedNow + 1) * 100L > (long) policy.maxEjectionPercent() * hosts) {
            return false;
        }
        if (e.ejections > 0 && e.ejectedUntil != 0) {
            // the multiplier drops by one for every interval the endpoint stayed healthy since its last ejection
            long healthy = now - e.ejectedUntil;
            long intervals = healthy <= 0 ? 0 : healthy / Math.max(1, policy.interval().toNanos());
            e.ejections = (int) Math.max(0, e.ejections - intervals);
        }
        e.ejections++;
        long length = Math.min(MAX_EJECTION_NANOS, policy.baseEjectionTime().toNanos() * e.ejections);
        e.ejectedUntil = now + length;
        e.ejected = true;
        e.consecutive5xx.set(0);
        e.consecutiveGateway.set(0);
        e.consecutiveLocalOrigin.set(0);
        ejections.increment();
        return true;
    }

    /** Endpoints ejected at {@code now}. */
    public int ejectedCount(long now) {
        int n = 0;
        for (EndpointState e : endpoints.values()) {
            if (e.ejected(now)) {
                n++;
            }
        }
        return n;
    }
}
