package io.sluice.routing;

import java.net.InetAddress;
import java.util.List;

/**
 * Where a stream goes without being decrypted: one VirtualService {@code tls} or {@code tcp} rule (or the
 * default route of a registry service) with its weighted clusters. A rule's match block may take only
 * streams to some addresses ({@code destinationSubnets}) or from some ({@code sourceSubnet}); a stream
 * it does not take goes on to the next rule that claims the same server name or port, in Istio's order.
 *
 * @param origin       where it came from, e.g. {@code chapter4/httpbin-egress-gateway#tls0}
 * @param totalWeight  the sum of the weights, at least 1
 * @param destinations the addresses a stream must be for (the one the client connected to), or any
 * @param sources      the addresses a stream must come from, or any
 * @param orElse       the next rule for the same name or port, for a stream this one does not take
 */
public record TcpRoute(String origin, List<RouteAction.WeightedCluster> targets, int totalWeight,
                       Subnets destinations, Subnets sources, TcpRoute orElse) {

    public TcpRoute {
        targets = List.copyOf(targets);
    }

    /** A route that takes every stream. */
    public TcpRoute(String origin, List<RouteAction.WeightedCluster> targets, int totalWeight) {
        this(origin, targets, totalWeight, Subnets.ANY, Subnets.ANY, null);
    }

    /** A route to one cluster with all the weight. */
    static TcpRoute to(String origin, Cluster cluster) {
        return new TcpRoute(origin, List.of(new RouteAction.WeightedCluster(cluster, 1,
                RouteAction.HeaderRules.NONE, RouteAction.HeaderRules.NONE)), 1);
    }

    /** This route, taking only streams to and from the given addresses. */
    TcpRoute when(Subnets destinations, Subnets sources) {
        return new TcpRoute(origin, targets, totalWeight, destinations, sources, null);
    }

    boolean unconditional() {
        return destinations.any() && sources.any();
    }

    /**
     * {@code later} after {@code earlier}, for merging rules that claim one name or port in order: once a
     * rule takes every stream, the rules after it are never reached and are left out.
     */
    static TcpRoute chain(TcpRoute earlier, TcpRoute later) {
        if (earlier == null) {
            return later;
        }
        if (earlier.unconditional()) {
            return earlier;
        }
        return new TcpRoute(earlier.origin, earlier.targets, earlier.totalWeight, earlier.destinations,
                earlier.sources, chain(earlier.orElse, later));
    }

    /** The first rule of this chain that takes a stream between these addresses (null: not known), or null. */
    public TcpRoute taking(InetAddress source, InetAddress destination) {
        for (TcpRoute r = this; r != null; r = r.orElse) {
            if (r.destinations.contains(destination) && r.sources.contains(source)) {
                return r;
            }
        }
        return null;
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
