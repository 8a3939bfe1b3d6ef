package io.sluice.routing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything a gateway node needs to route, compiled once per change and never mutated: swap the whole
 * table through one reference.
 *
 * @param configRevision   the config-topic offset it was compiled from
 * @param registryRevision the registry-topic offset it was compiled from
 * @param listeners        HTTP servers by gateway port
 * @param passthrough      ports whose TLS streams are routed by SNI without termination, by gateway port
 * @param outbound         the mesh's outbound traffic policy, for traffic no route knows
 */
public record RouteTable(long configRevision, long registryRevision, Map<Integer, Listener> listeners,
                         Map<Integer, SniRouter> passthrough, OutboundPolicy outbound) {

    public RouteTable {
        listeners = Map.copyOf(listeners);
        passthrough = Map.copyOf(passthrough);
    }

    public RouteTable(long configRevision, long registryRevision, Map<Integer, Listener> listeners) {
        this(configRevision, registryRevision, listeners, Map.of(), OutboundPolicy.ALLOW_ANY);
    }

    public static RouteTable empty() {
        return new RouteTable(-1, -1, Map.of());
    }

    /**
     * A one-route table sending every request on {@code port} to {@code host:port} as named: where
     * ALLOW_ANY lets the mesh proxy send HTTP for a host no route knows (Istio's PassthroughCluster).
     */
    public static RouteTable passthrough(String host, int port) {
        Cluster cluster = new Cluster(host, port, "", "unknown", List.of(new Upstream(host, port, Map.of())), true);
        Route route = Route.forwardTo(OutboundPolicy.ALLOW_ANY.clusterName(), cluster);
        return new RouteTable(-1, -1, Map.of(port, Listener.of(port, "HTTP", Map.of("*", new VirtualHost("*",
                List.of(route))))), Map.of(), OutboundPolicy.ALLOW_ANY);
    }

    /** The SNI router for a passthrough port, or null. */
    public SniRouter sniRouter(int port) {
        return passthrough.get(port);
    }

    /** The listener for a gateway server port, or null. */
    public Listener listener(int port) {
        return listeners.get(port);
    }

    public Set<Integer> ports() {
        return listeners.keySet();
    }

    /**
     * Every cluster a route forwards or mirrors to, by name: what a node keeps runtime state for
     * (active requests, ejections) across table swaps.
     */
    public Map<String, Cluster> clusters() {
        Map<String, Cluster> out = new HashMap<>();
        for (Listener l : listeners.values()) {
            for (VirtualHost vh : l.hosts().values()) {
                for (Route r : vh.routes()) {
                    if (r.action() instanceof RouteAction.Forward f) {
                        f.targets().forEach(t -> out.putIfAbsent(t.cluster().name(), t.cluster()));
                        f.mirrors().forEach(m -> out.putIfAbsent(m.cluster().name(), m.cluster()));
                    }
                }
            }
        }
        return out;
    }

    /** A readable dump of the table, for {@code /debug/routes}. */
    public String dump() {
        StringBuilder sb = new StringBuilder();
        sb.append("config revision ").append(configRevision).append(", registry revision ")
                .append(registryRevision).append('\n');
        new TreeMap<>(listeners).forEach((port, l) -> {
            sb.append("listener ").append(port).append(' ').append(l.protocol()).append('\n');
            if (l.tls() != null) {
                for (ServerTls t : l.tls().servers()) {
                    sb.append("  tls ").append(t.serverName()).append(' ').append(t.mode()).append(" credential ")
                            .append(t.credentialName()).append(" sni ").append(t.hosts()).append('\n');
                }
            }
            for (String host : l.hosts().patterns()) {
                VirtualHost vh = l.hosts().find(host.startsWith("*.") ? "x" + host.substring(1) : host);
                sb.append("  host ").append(host).append('\n');
                if (vh == null) {
                    continue;
                }
                for (Route r : vh.routes()) {
                    sb.append("    ").append(r.origin()).append(' ').append(r.matches()).append(" -> ")
                            .append(describe(r.action())).append('\n');
                    if (r.action() instanceof RouteAction.Forward && !r.policy().equals(RoutePolicy.DEFAULT)) {
                        sb.append("      ").append(r.policy()).append('\n');
                    }
                }
            }
        });
        new TreeMap<>(passthrough).forEach((port, r) -> {
            if (r.plainTcp()) {
                sb.append("tcp ").append(port).append(" -> ")
                        .append(r.tcp() == null ? "no route" : describe(r.tcp())).append('\n');
                return;
            }
            sb.append("passthrough ").append(port).append('\n');
            for (String sni : r.routes().patterns()) {
                TcpRoute route = r.routes().find(sni.startsWith("*.") ? "x" + sni.substring(1) : sni);
                sb.append("  sni ").append(sni).append(" -> ").append(describe(route)).append('\n');
            }
        });
        sb.append("outbound ").append(outbound).append('\n');
        return sb.toString();
    }

    /** A route, with the addresses it takes, and the routes after it for the streams it does not. */
    private static String describe(TcpRoute route) {
        StringBuilder sb = new StringBuilder();
        for (TcpRoute r = route; r != null; r = r.orElse()) {
            if (r != route) {
                sb.append("; else ");
            }
            sb.append(r.origin());
            if (!r.destinations().any()) {
                sb.append(" to ").append(r.destinations());
            }
            if (!r.sources().any()) {
                sb.append(" from ").append(r.sources());
            }
            sb.append(' ').append(r.targets().stream().map(t -> t.cluster().name() + " w=" + t.weight()
                    + " endpoints=" + t.cluster().endpoints().stream().map(RouteTable::describe).toList()).toList());
        }
        return sb.toString();
    }

    /** An endpoint as the dump shows it: its address, and its priority and weight where they are not the default. */
    private static String describe(Upstream u) {
        return u.authority() + (u.priority() > 0 ? " priority=" + u.priority() : "")
                + (u.weight() != 1 ? " weight=" + u.weight() : "");
    }

    private static String describe(RouteAction a) {
        return switch (a) {
            case RouteAction.Forward f -> {
                StringBuilder sb = new StringBuilder();
                for (RouteAction.WeightedCluster t : f.targets()) {
                    sb.append(t.cluster().name()).append(" w=").append(t.weight()).append(" endpoints=")
                            .append(t.cluster().endpoints().stream().map(RouteTable::describe).toList()).append(' ');
                    if (!t.cluster().policy().equals(ClusterPolicy.DEFAULT)) {
                        sb.append(t.cluster().policy()).append(' ');
                    }
                }
                f.mirrors().forEach(m -> sb.append("mirror ").append(m.cluster().name()).append(' ')
                        .append(m.percent()).append("% "));
                yield sb.toString().trim();
            }
            case RouteAction.Redirect r -> "redirect " + r;
            case RouteAction.DirectResponse d -> "direct " + d.status();
        };
    }
}
