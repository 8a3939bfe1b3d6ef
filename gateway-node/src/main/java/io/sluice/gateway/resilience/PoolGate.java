package io.sluice.gateway.resilience;

import io.sluice.routing.ClusterPolicy;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Envoy's circuit breakers for one cluster. Over HTTP/1.1 a connection carries one request at a time,
 * so {@code maxConnections} bounds requests in flight; up to {@code http1MaxPendingRequests} more wait
 * for one to finish; the rest overflow (503 UO). {@code http2MaxRequests} bounds requests in flight
 * whatever waits. Unlimited pools (Istio's default) take no permit at all.
 */
public final class PoolGate {

    private final ClusterPolicy.ConnectionPool limits;
    private final Semaphore connections;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();

    PoolGate(ClusterPolicy.ConnectionPool limits) {
        this.limits = limits;
        this.connections = limits.unlimited() ? null : new Semaphore(limits.maxConnections());
    }

    ClusterPolicy.ConnectionPool limits() {
        return limits;
    }

    /**
     * Takes a place for one upstream request, waiting at most {@code maxWait} in the pending queue.
     *
     * @return false when the pool overflows: the request must be refused with UO
     */
    public boolean acquire(Duration maxWait) throws InterruptedException {
        if (connections == null) {
            return true;
        }
        if (inFlight.incrementAndGet() > limits.maxRequests()) {
            inFlight.decrementAndGet();
            return false;
        }
        if (connections.tryAcquire()) {
            return true;
        }
        if (pending.incrementAndGet() > limits.maxPendingRequests()) {
            pending.decrementAndGet();
            inFlight.decrementAndGet();
            return false;
        }
        try {
            if (connections.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
                return true;
            }
            inFlight.decrementAndGet();
            return false;
        } finally {
            pending.decrementAndGet();
        }
    }

    /** Requests waiting for a connection. */
    public int pending() {
        return pending.get();
    }

    /** Gives back a place taken by a successful {@link #acquire}. */
    public void release() {
        if (connections != null) {
            connections.release();
            inFlight.decrementAndGet();
        }
    }
}
