package io.sluice.gateway.routing;

import io.sluice.kafka.CompactedTopicStore;
import io.sluice.model.Resource;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.routing.IncrementalRouteCompiler;
import io.sluice.routing.NodeIdentity;
import io.sluice.routing.RouteTable;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the node's current {@link RouteTable}: whenever the config or registry view changes, compiles
 * a new table from one consistent pair of snapshots on a single thread and swaps it in with one
 * reference write. A compile that fails leaves the last good table in place and is counted. Requests
 * read {@link #current()} once and never wait for Kafka.
 */
public final class RouteTableSource implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RouteTableSource.class.getName());

    private final CompactedTopicStore<Resource> config;
    private final CompactedTopicStore<ServiceEndpoints> registry;
    private final IncrementalRouteCompiler compiler;
    private final AtomicReference<RouteTable> table = new AtomicReference<>(RouteTable.empty());
    private final AtomicBoolean compileQueued = new AtomicBoolean();
    private final AtomicLong compileFailures = new AtomicLong();
    private final AtomicLong compiles = new AtomicLong();
    private volatile long incrementalCompiles;
    private final ExecutorService compileThread = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("sluice-route-compiler").daemon().factory());
    private final Consumer<RouteTable> onSwap;
    private volatile boolean ready;
    private volatile Instant appliedAt = Instant.EPOCH;

    public RouteTableSource(CompactedTopicStore<Resource> config, CompactedTopicStore<ServiceEndpoints> registry,
                            NodeIdentity node, Consumer<RouteTable> onSwap) {
        this.config = config;
        this.registry = registry;
        this.compiler = new IncrementalRouteCompiler(node);
        this.onSwap = onSwap;
    }

    /** Compiles from now on: once both stores are read to their end (perhaps already), then on each change. */
    public RouteTableSource start() {
        config.addListener(s -> scheduleCompile());
        registry.addListener(s -> scheduleCompile());
        config.initialLoad().thenCombine(registry.initialLoad(), (a, b) -> b).thenRun(this::scheduleCompile);
        return this;
    }

    public RouteTable current() {
        return table.get();
    }

    /** True once a table built from topics read to their end is being served. */
    public boolean ready() {
        return ready;
    }

    public long compileFailures() {
        return compileFailures.get();
    }

    public long compiles() {
        return compiles.get();
    }

    /** Of {@link #compiles}, those that recompiled only the VirtualServices a change touched. */
    public long incrementalCompiles() {
        return incrementalCompiles;
    }

    public Instant appliedAt() {
        return appliedAt;
    }

    /** Bursts of changes (the initial load, a multi-document apply) collapse into one compile. */
    private void scheduleCompile() {
        if (compileQueued.compareAndSet(false, true)) {
            compileThread.execute(this::compile);
        }
    }

    private void compile() {
        compileQueued.set(false);
        // before both topics are read, a table would route with half the config
        if (!config.ready() || !registry.ready()) {
            return;
        }
        var c = config.snapshot();
        var r = registry.snapshot();
        try {
            long started = System.nanoTime();
            RouteTable next = compiler.compile(c.entries(), c.revision(), r.entries(), r.revision());
            table.set(next);
            long swapped = System.nanoTime();
            compiles.incrementAndGet();
            incrementalCompiles = compiler.updates();
            appliedAt = Instant.now();
            onSwap.accept(next);
            long done = System.nanoTime();
            LOG.log(ready ? Level.FINE : Level.INFO, () -> String.format(Locale.ROOT,
                    "route table of config revision %d, registry revision %d (%d resources, %d services)"
                            + " compiled and serving in %d ms, listeners and status updated in %d ms",
                    c.revision(), r.revision(), c.entries().size(), r.entries().size(),
                    (swapped - started) / 1_000_000, (done - swapped) / 1_000_000));
            if (!ready) {
                // the JVM's own clock: the OS's process start time is counted in whole seconds since boot
                LOG.info(() -> "ready " + ManagementFactory.getRuntimeMXBean().getUptime() + " ms after the JVM started");
            }
            ready = true;
        } catch (RuntimeException e) {
            compileFailures.incrementAndGet();
            LOG.log(Level.WARNING, "route compile failed at config revision " + c.revision()
                    + "; still serving revision " + table.get().configRevision(), e);
        }
    }

    @Override
    public void close() {
        compileThread.shutdownNow();
    }
}
