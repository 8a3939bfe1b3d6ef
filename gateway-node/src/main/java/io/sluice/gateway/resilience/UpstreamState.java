package io.sluice.gateway.resilience;

import io.sluice.routing.Cluster;
import io.sluice.routing.RouteTable;
import io.sluice.routing.Upstream;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * The node's run-time state of every cluster, keyed by cluster name then endpoint address, so that a
 * new route table (a weight change, a new endpoint) keeps what is known about the endpoints it shares
 * with the old one: requests in flight, error streaks, ejections.
 */
public final class UpstreamState {

    private final ConcurrentHashMap<String, ClusterState> clusters = new ConcurrentHashMap<>();

    /** @param clusterName {@link Cluster#name()}, which the caller has at hand (it is built on each call) */
    public ClusterState cluster(String clusterName) {
        ClusterState s = clusters.get(clusterName);
        return s != null ? s : clusters.computeIfAbsent(clusterName, n -> new ClusterState());
    }

    /** Every cluster's state by name, for metrics. */
    public void forEach(BiConsumer<String, ClusterState> action) {
        clusters.forEach(action);
    }

    /** Drops the state of clusters and endpoints the new table no longer has. Runs on every swap. */
    public void retain(RouteTable table) {
        // the first table of a node (nothing has been sent yet): listing 10 000 clusters took ~0.2 s
        // on the way to ready, to keep nothing
        if (clusters.isEmpty()) {
            return;
        }
        Map<String, Cluster> live = table.clusters();
        clusters.keySet().retainAll(live.keySet());
        clusters.forEach((name, state) -> {
            Set<String> authorities = live.get(name).endpoints().stream().map(Upstream::authority)
                    .collect(Collectors.toSet());
            state.retainEndpoints(authorities);
        });
    }
}
