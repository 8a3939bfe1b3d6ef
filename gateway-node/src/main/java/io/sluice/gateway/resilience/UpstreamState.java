package io.sluice.gateway.resilience;

import io.sluice.routing.Cluster;
import io.sluice.routing.RouteTable;
import io.sluice.routing.Upstream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * The node's run-time state of every cluster, keyed by cluster name then endpoint address, so that a
 * new route table (a weight change, a new endpoint) keeps what is known about the endpoints it shares
 * with the old one: requests in flight, error streaks, ejections.
 */
public final class UpstreamState {

    private final ConcurrentHashMap<String, ClusterState> clusters = new ConcurrentHashMap<>();
    /** The newest table a sweep is due for; null when none is. */
    private final AtomicReference<RouteTable> pendingSweep = new AtomicReference<>();

    /** @param clusterName {@link Cluster#name()}, which the caller has at hand (it is built on each call) */
    public ClusterState cluster(String clusterName) {
        ClusterState s = clusters.get(clusterName);
        return s != null ? s : clusters.computeIfAbsent(clusterName, n -> new ClusterState());
    }

    /** Every cluster's state by name, for metrics. */
    public void forEach(BiConsumer<String, ClusterState> action) {
        clusters.forEach(action);
    }

    /**
     * Drops, soon, the state of clusters and endpoints the new table no longer has. Called on every
     * swap; the work runs on a thread of its own, after bursts of swaps once with the newest table: it
     * walks every route of the table, which with 10 000 hosts would hold up the compile of the next
     * change, while state kept a little longer for a cluster gone costs nothing.
     */
    public void retain(RouteTable table) {
        // the first table of a node (nothing has been sent yet): listing 10 000 clusters took ~0.2 s
        // on the way to ready, to keep nothing
        if (clusters.isEmpty()) {
            return;
        }
        if (pendingSweep.getAndSet(table) == null) {
            Thread.ofVirtual().name("sluice-upstream-sweep").start(() -> sweep(pendingSweep.getAndSet(null)));
        }
    }

    private void sweep(RouteTable table) {
        Map<String, Cluster> live = table.clusters();
        clusters.keySet().retainAll(live.keySet());
        clusters.forEach((name, state) -> {
            Cluster c = live.get(name); // null: a newer table's, added by a request since the line above
            if (c != null) {
                state.retainEndpoints(c.endpoints().stream().map(Upstream::authority).collect(Collectors.toSet()));
            }
        });
    }
}
