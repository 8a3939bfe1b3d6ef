package io.sluice.routing;

import java.util.List;

/** The routes served for one host pattern on one listener, in the order Istio evaluates them. */
public record VirtualHost(String host, List<Route> routes) {

    public VirtualHost {
        routes = List.copyOf(routes);
    }

    /** The first route whose match holds, or null: Istio's first-match-wins. */
    public Route route(RequestAttributes request) {
        for (Route r : routes) {
            if (r.matches(request)) {
                return r;
            }
        }
        return null;
    }
}
