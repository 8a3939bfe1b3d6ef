package io.sluice.routing;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything a gateway node needs to route, compiled once per change and never mutated: swap the whole
 * table through one reference.
 *
 * @param configRevision   the config-topic offset it was compiled from
 * @param registryRevision the registry-topic offset it was compiled from
 */
public record RouteTable(long configRevision, long registryRevision, Map<Integer, Listener> listeners) {

    public RouteTable {
        listeners = Map.copyOf(listeners);
    }

    public static RouteTable empty() {
        return new RouteTable(-1, -1, Map.of());
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
        Map<String, Cluster> out = new TreeMap<>();
        for (Listener l : listeners.values()) {
            for (String host : l.hosts().patterns()) {
                VirtualHost vh = l.hosts().find(host.startsWith("*.") ? "x" + host.substring(1) : host);
                if (vh == null) {
                    continue;
                }
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
        return sb.toString();
    }

    private static String describe(RouteAction a) {
        return switch (a) {
            case RouteAction.Forward f -> {
                StringBuilder sb = new StringBuilder();
                for (RouteAction.WeightedCluster t : f.targets()) {
                    sb.append(t.cluster().name()).append(" w=").append(t.weight()).append(" endpoints=")
                            .append(t.cluster().endpoints().stream().map(Upstream::authority).toList()).append(' ');
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
