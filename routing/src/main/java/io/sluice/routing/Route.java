package io.sluice.routing;

import java.util.List;

/**
 * One compiled http rule of a VirtualService (or one Ingress path).
 *
 * @param origin where it came from, e.g. {@code chapter4/mockshop#0}, for logs, metrics and dumps
 * @param policy timeout, retries and fault of a forwarding rule
 */
public record Route(String origin, List<RequestMatch> matches, RouteAction action, RoutePolicy policy) {

    public Route {
        matches = List.copyOf(matches);
        policy = policy == null ? RoutePolicy.DEFAULT : policy;
    }

    /** A rule with Istio's default policy (Ingress paths, redirects, direct responses). */
    public Route(String origin, List<RequestMatch> matches, RouteAction action) {
        this(origin, matches, action, RoutePolicy.DEFAULT);
    }

    /** A rule without conditions that forwards everything to one cluster: a service's default route. */
    public static Route forwardTo(String origin, Cluster cluster) {
        return new Route(origin, List.of(), new RouteAction.Forward(
                List.of(new RouteAction.WeightedCluster(cluster, 1, RouteAction.HeaderRules.NONE,
                        RouteAction.HeaderRules.NONE)),
                1, RouteAction.HeaderRules.NONE, RouteAction.HeaderRules.NONE, null, List.of()));
    }

    boolean matches(RequestAttributes r) {
        return RequestMatch.any(matches, r);
    }
}
