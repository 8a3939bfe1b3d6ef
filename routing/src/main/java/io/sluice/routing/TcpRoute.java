package io.sluice.routing;

import java.util.List;

/**
 * Where a TLS stream goes without being decrypted: one VirtualService {@code tls} rule (or the default
 * route of a registry service) with its weighted clusters.
 *
 * @param origin      where it came from, e.g. {@code chapter4/httpbin-egress-gateway#tls0}
 * @param totalWeight the sum of the weights, at least 1
 */
public record TcpRoute(String origin, List<RouteAction.WeightedCluster> targets, int totalWeight) {

    public TcpRoute {
        targets = List.copyOf(targets);
    }

    /** A route to one cluster with all the weight. */
    static TcpRoute to(String origin, Cluster cluster) {
        return new TcpRoute(origin, List.of(new RouteAction.WeightedCluster(cluster, 1,
                RouteAction.HeaderRules.NONE, RouteAction.HeaderRules.NONE)), 1);
    }

    /** The cluster for a number drawn uniformly from [0, totalWeight). */
    public Cluster pick(int draw) {
        int acc = 0;
        for (RouteAction.WeightedCluster t : targets) {
            acc += t.weight();
            if (draw < acc) {
                return t.cluster();
            }
        }
        return targets.getLast().cluster();
    }
}
