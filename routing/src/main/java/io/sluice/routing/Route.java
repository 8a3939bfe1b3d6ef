package io.sluice.routing;

import java.util.List;

/**
 * One compiled http rule of a VirtualService (or one Ingress path).
 *
 * @param origin where it came from, e.g. {@code chapter4/mockshop#0}, for logs, metrics and dumps
 */
public record Route(String origin, List<RequestMatch> matches, RouteAction action) {

    public Route {
        matches = List.copyOf(matches);
    }

    boolean matches(RequestAttributes r) {
        return RequestMatch.any(matches, r);
    }
}
