package io.sluice.gateway.resilience;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a node knows about one endpoint of one cluster at run time: requests in flight (for
 * LEAST_REQUEST), consecutive errors and ejection (outlier detection). Lives outside the immutable
 * route table, so a table swap keeps it.
 */
public final class EndpointState {

    final AtomicInteger active = new AtomicInteger();
    final AtomicInteger consecutive5xx = new AtomicInteger();
    final AtomicInteger consecutiveGateway = new AtomicInteger();
    /** Tries in a row that got no answer, counted apart when the policy splits them off. */
    final AtomicInteger consecutiveLocalOrigin = new AtomicInteger();
    final AtomicInteger requestsOnConnection = new AtomicInteger();
    /** System.nanoTime() until which the endpoint is ejected; guarded by the cluster for writes. */
    volatile long ejectedUntil;
    /** Ejections that count towards the next ejection's length; decays while the endpoint is healthy. */
    int ejections;
    volatile boolean ejected;
    /** System.nanoTime() when it joined its cluster, for slow start; 0 when it was there from the first. */
    volatile long joinedAt;
    /** Smooth weighted round robin's running weight; guarded by the cluster's state. */
    long currentWeight;

    public int active() {
        return active.get();
    }

    /** A try to this endpoint starts. */
    public void begin() {
        active.incrementAndGet();
    }

    /** A try to this endpoint has finished (its response streamed or failed). */
    public void end() {
        active.decrementAndGet();
    }

    /**
     * Counts a request on a keep-alive connection to this endpoint and tells whether the connection
     * should close after it. Over HTTP/1.1 requests to one endpoint share connections in turn, so
     * closing every n-th keeps each near maxRequestsPerConnection.
     */
    public boolean lastOnConnection(int maxRequestsPerConnection) {
        if (maxRequestsPerConnection <= 0) {
            return false;
        }
        return maxRequestsPerConnection == 1
                || requestsOnConnection.incrementAndGet() % maxRequestsPerConnection == 0;
    }

    /** Whether the endpoint is out of the load-balancing set at {@code now} (System.nanoTime()). */
    public boolean ejected(long now) {
        return ejected && now - ejectedUntil < 0;
    }

    public int ejections() {
        return ejections;
    }
}
