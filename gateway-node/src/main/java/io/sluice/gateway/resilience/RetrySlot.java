package io.sluice.gateway.resilience;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A request's claim on its cluster's outstanding retries ({@code connectionPool.http.maxRetries},
 * Envoy's retry overflow): taken at its first retry and held until the request is answered, so a
 * request in its retry phase counts once however many retries it makes. Owned by the request's thread.
 */
public final class RetrySlot implements AutoCloseable {

    private final AtomicInteger inFlight;
    private final int max;
    private boolean held;

    RetrySlot(AtomicInteger inFlight, int max) {
        this.inFlight = inFlight;
        this.max = max;
    }

    /** Whether a retry may be made: this request holds a slot already, or one is free. */
    public boolean allows() {
        return held || inFlight.get() < max;
    }

    /** A retry is being made; the first takes the slot. */
    public void retrying() {
        if (!held) {
            inFlight.incrementAndGet();
            held = true;
        }
    }

    @Override
    public void close() {
        if (held) {
            inFlight.decrementAndGet();
            held = false;
        }
    }
}
