package io.sluice.gateway.resilience;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.routing.ClusterPolicy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PoolGateTest {

    static ClusterPolicy.ConnectionPool pool(int connections, int pending, int requests) {
        var d = ClusterPolicy.ConnectionPool.UNLIMITED;
        return new ClusterPolicy.ConnectionPool(connections, d.connectTimeout(), pending, requests, 0, d.maxRetries(),
                d.idleTimeout(), null, null, d.tcpIdleTimeout(), false, false);
    }

    @Test
    void unlimitedPoolNeverRefuses() throws Exception {
        PoolGate g = new ClusterState().gate(ClusterPolicy.ConnectionPool.UNLIMITED);
        for (int i = 0; i < 10_000; i++) {
            assertTrue(g.acquire(Duration.ZERO));
        }
    }

    @Test
    void overMaxConnectionsWaitsInThePendingQueueThenOverflows() throws Exception {
        PoolGate g = new ClusterState().gate(pool(1, 1, Integer.MAX_VALUE));
        assertTrue(g.acquire(Duration.ZERO));
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch waiting = new CountDownLatch(1);
            CompletableFuture<Boolean> pending = CompletableFuture.supplyAsync(() -> {
                waiting.countDown();
                try {
                    return g.acquire(Duration.ofSeconds(10));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, pool);
            waiting.await();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> g.pending() == 1);
            // the queue of one is taken: refused at once rather than queued for the 30 s it would wait
            assertFalse(org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10),
                    () -> g.acquire(Duration.ofSeconds(30))));
            g.release();
            assertTrue(pending.get(5, TimeUnit.SECONDS), "the pending request gets the freed connection");
        }
    }

    @Test
    void maxRequestsRefusesBeyondTheLimitWithoutQueueing() throws Exception {
        PoolGate g = new ClusterState().gate(pool(100, 100, 2));
        assertTrue(g.acquire(Duration.ZERO));
        assertTrue(g.acquire(Duration.ZERO));
        assertFalse(g.acquire(Duration.ofSeconds(5)));
        g.release();
        assertTrue(g.acquire(Duration.ZERO));
    }

    @Test
    void newLimitsGetAFreshGateAndTheSameLimitsKeepIt() {
        ClusterState s = new ClusterState();
        PoolGate a = s.gate(pool(1, 1, 1));
        assertTrue(a == s.gate(pool(1, 1, 1)));
        assertFalse(a == s.gate(pool(2, 1, 1)));
    }
}
