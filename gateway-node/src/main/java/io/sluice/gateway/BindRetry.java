package io.sluice.gateway;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Opens again, with backoff, the gateway ports that failed to open. A port another process holds (an
 * old node still draining, a stray server) is the usual cause, and it frees up on its own: the node
 * must then start serving there without a restart or a config change, as it does for everything else.
 */
final class BindRetry implements AutoCloseable {

    private static final Duration FIRST = Duration.ofSeconds(1);
    private static final Duration MAX = Duration.ofSeconds(30);

    private final Runnable retry;
    private final IntSupplier unbound;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("sluice-bind-retry").daemon().unstarted(r));
    private ScheduledFuture<?> pending;
    private Duration delay = FIRST;

    /**
     * @param retry   tries to open every port the current table wants and lacks
     * @param unbound how many ports the current table wants and lacks
     */
    BindRetry(Runnable retry, IntSupplier unbound) {
        this.retry = retry;
        this.unbound = unbound;
    }

    /** After every reconcile: starts retrying if a port is missing, resets the backoff if none is. */
    synchronized void check() {
        if (timer.isShutdown()) {
            return;
        }
        if (unbound.getAsInt() == 0) {
            delay = FIRST;
        } else if (pending == null || pending.isDone()) {
            pending = timer.schedule(this::attempt, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void attempt() {
        retry.run();
        synchronized (this) {
            pending = null;
            if (unbound.getAsInt() > 0) {
                delay = delay.multipliedBy(2).compareTo(MAX) > 0 ? MAX : delay.multipliedBy(2);
            }
        }
        check();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
