package io.sluice.routing;

import java.util.List;
import java.util.Objects;

/**
 * The routes served for one host pattern on one listener, in the order Istio evaluates them. Lookups
 * run over the routes' {@link RuleProgram}, held here directly so that finding the first matching
 * route touches this object and two arrays rather than every route's object graph.
 */
public final class VirtualHost {

    private final String host;
    private final List<Route> routes;
    private final char[] program;
    private final Object[] refs;

    public VirtualHost(String host, List<Route> routes) {
        this.host = host;
        this.routes = List.copyOf(routes);
        RuleProgram compiled = RuleProgram.compile(this.routes);
        this.program = compiled.code();
        this.refs = compiled.refs();
    }

    public String host() {
        return host;
    }

    public List<Route> routes() {
        return routes;
    }

    /** The first route whose match holds, or null: Istio's first-match-wins. */
    public Route route(RequestAttributes request) {
        return RuleProgram.first(program, refs, request);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VirtualHost v && host.equals(v.host) && routes.equals(v.routes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, routes);
    }

    @Override
    public String toString() {
        return "VirtualHost[host=" + host + ", routes=" + routes + "]";
    }
}
