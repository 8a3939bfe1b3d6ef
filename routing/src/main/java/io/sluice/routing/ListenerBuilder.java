package io.sluice.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects the routes of one port by host. Several VirtualServices on one host merge in order
 * (oldest first); rules without a match are moved behind the others so that a catch-all of one
 * VirtualService does not hide the rules of the next, as Istio merges them. Ingress routes of a host
 * come after all of its VirtualService routes.
 *
 * <p>A builder outlives the listener it built: {@link #rebuild} makes the next listener from the last
 * one, recompiling only the hosts a change touched.
 */
final class ListenerBuilder {

    /** tls.httpsRedirect: 301 to the same host and path over https, whatever the request. */
    private static final Route HTTPS_REDIRECT = new Route("tls.httpsRedirect", List.of(),
            new RouteAction.Redirect(null, null, null, "https", 301));

    /** What one source (a VirtualService, {@code ns/name}) serves on a host. */
    private record Contribution(String source, List<Route> routes) {
    }

    private final int port;
    private final String protocol;
    /** By host, each in merge order. */
    private final Map<String, List<Contribution>> routes = new LinkedHashMap<>();
    private final Map<String, List<Route>> ingressRoutes = new LinkedHashMap<>();
    private final List<ServerTls> tls = new ArrayList<>();
    private final List<String> redirectHosts = new ArrayList<>();
    /** The last listener built, which {@link #rebuild} changes. */
    private Listener last;

    ListenerBuilder(int port, String protocol) {
        this.port = port;
        this.protocol = protocol;
    }

    /** Adds a source's routes behind those already on the host, unless the source is there already. */
    void add(String host, String source, List<Route> r) {
        List<Contribution> on = routes.computeIfAbsent(host, h -> new ArrayList<>());
        if (on.stream().noneMatch(c -> c.source().equals(source))) {
            on.add(new Contribution(source, r));
        }
    }

    /** Adds a source's routes at their place in {@code order} among the host's sources. */
    void insert(String host, String source, List<Route> r, Comparator<String> order) {
        List<Contribution> on = routes.computeIfAbsent(host, h -> new ArrayList<>());
        int at = 0;
        while (at < on.size() && order.compare(on.get(at).source(), source) < 0) {
            at++;
        }
        on.add(at, new Contribution(source, r));
    }

    void remove(String host, String source) {
        List<Contribution> on = routes.get(host);
        if (on != null && on.removeIf(c -> c.source().equals(source)) && on.isEmpty()) {
            routes.remove(host);
        }
    }

    void addTls(ServerTls t) {
        if (tls.stream().noneMatch(existing -> existing == t)) {
            tls.add(t);
        }
    }

    void redirectToHttps(String host) {
        redirectHosts.add(host);
    }

    boolean hasHost(String host) {
        return routes.containsKey(host);
    }

    /** Serves these Ingress routes instead of the last ones; returns the hosts either had. */
    Set<String> useIngress(Map<String, List<Route>> byHost) {
        Set<String> hosts = new HashSet<>(ingressRoutes.keySet());
        hosts.addAll(byHost.keySet());
        ingressRoutes.clear();
        ingressRoutes.putAll(byHost);
        return hosts;
    }

    Listener build() {
        Map<String, VirtualHost> hosts = new HashMap<>();
        for (String host : routes.keySet()) {
            hosts.put(host, virtualHost(host));
        }
        for (String host : ingressRoutes.keySet()) {
            hosts.putIfAbsent(host, virtualHost(host));
        }
        for (String host : redirectHosts) {
            hosts.put(host, virtualHost(host));
        }
        last = Listener.of(port, protocol, hosts, tls.isEmpty() ? null : ListenerTls.of(tls));
        return last;
    }

    /** The listener after a change to the routes of {@code changed} hosts; the others are the last build's. */
    Listener rebuild(Set<String> changed) {
        Map<String, VirtualHost> changes = new HashMap<>();
        for (String host : changed) {
            changes.put(host, virtualHost(host)); // null: nothing routes the host any more
        }
        last = new Listener(port, protocol, last.hosts().with(changes), last.tls());
        return last;
    }

    /** What a host serves, or null when nothing routes it. */
    private VirtualHost virtualHost(String host) {
        if (redirectHosts.contains(host)) {
            return new VirtualHost(host, List.of(HTTPS_REDIRECT));
        }
        List<Contribution> on = routes.get(host);
        List<Route> ingress = ingressRoutes.get(host);
        if (on == null && ingress == null) {
            return null;
        }
        List<Route> merged = new ArrayList<>();
        if (on != null) {
            for (Contribution c : on) {
                merged.addAll(c.routes());
            }
            if (on.size() > 1) {
                List<Route> catchAlls = merged.stream().filter(r -> r.matches().isEmpty()).toList();
                merged.removeIf(r -> r.matches().isEmpty());
                merged.addAll(catchAlls);
            }
        }
        if (ingress != null) {
            merged.addAll(ingress);
        }
        return new VirtualHost(host, merged);
    }
}
