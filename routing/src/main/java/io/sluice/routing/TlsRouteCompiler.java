package io.sluice.routing;

import io.sluice.model.istio.VirtualServiceSpec.RouteDestination;
import io.sluice.model.istio.VirtualServiceSpec.TCPRoute;
import io.sluice.model.istio.VirtualServiceSpec.TLSMatchAttributes;
import io.sluice.model.istio.VirtualServiceSpec.TLSRoute;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compiles the {@code tls} rules of one VirtualService, as seen from one gateway (or {@code mesh}) and
 * port, into server-name routes, and its {@code tcp} rules into a plain TCP port's route. A match
 * without {@code sniHosts} stands for the VirtualService's hosts; the first rule that claims a server
 * name (or a TCP port) keeps it (Istio's first match wins).
 */
final class TlsRouteCompiler {

    private final ServiceDirectory directory;
    private final NodeIdentity node;

    TlsRouteCompiler(ServiceDirectory directory, NodeIdentity node) {
        this.directory = directory;
        this.node = node;
    }

    /**
     * @param serverHost the Gateway server's host pattern the names must fall under ({@code *} for mesh)
     * @param into       server-name pattern → route; names already present are kept
     */
    void compile(String origin, String namespace, List<String> vsHosts, List<TLSRoute> rules, String gatewayRef,
                 int port, String serverHost, Map<String, TcpRoute> into) {
        for (int i = 0; i < rules.size(); i++) {
            TLSRoute rule = rules.get(i);
            if (rule.route().isEmpty()) {
                continue;
            }
            List<String> names = new ArrayList<>();
            if (rule.match().isEmpty()) {
                names.addAll(vsHosts);
            }
            for (TLSMatchAttributes m : rule.match()) {
                boolean applies = GatewayRefs.applies(m.gateways(), m.sourceLabels(), m.sourceNamespace(), namespace,
                        gatewayRef, node);
                if (applies && (m.port() == null || m.port() == port)) {
                    names.addAll(m.sniHosts().isEmpty() ? vsHosts : m.sniHosts());
                }
            }
            if (names.isEmpty()) {
                continue; // every match is for another gateway, source or port
            }
            TcpRoute route = route(origin + "#tls" + i, namespace, rule.route());
            for (String n : names) {
                String name = HostMatcher.intersect(serverHost, n.toLowerCase(Locale.ROOT));
                if (name != null) {
                    into.putIfAbsent(name, route);
                }
            }
        }
    }

    /**
     * The route of the first {@code tcp} rule of a VirtualService that applies on a plain TCP server
     * port, or null: a rule without match blocks applies everywhere.
     */
    TcpRoute compileTcp(String origin, String namespace, List<TCPRoute> rules, String gatewayRef, int port) {
        for (int i = 0; i < rules.size(); i++) {
            TCPRoute rule = rules.get(i);
            boolean applies = rule.match().isEmpty() || rule.match().stream().anyMatch(m ->
                    GatewayRefs.applies(m.gateways(), m.sourceLabels(), m.sourceNamespace(), namespace, gatewayRef, node)
                            && (m.port() == null || m.port() == port));
            if (applies && !rule.route().isEmpty()) {
                return route(origin + "#tcp" + i, namespace, rule.route());
            }
        }
        return null;
    }

    private TcpRoute route(String origin, String namespace, List<RouteDestination> destinations) {
        List<RouteAction.WeightedCluster> targets = new ArrayList<>();
        boolean single = destinations.size() == 1;
        for (RouteDestination d : destinations) {
            int weight = d.weight() != null ? d.weight() : single ? 100 : 0;
            targets.add(new RouteAction.WeightedCluster(directory.cluster(d.destination(), namespace), weight,
                    RouteAction.HeaderRules.NONE, RouteAction.HeaderRules.NONE));
        }
        int total = targets.stream().mapToInt(RouteAction.WeightedCluster::weight).sum();
        if (total <= 0) {
            targets = targets.stream().map(t -> new RouteAction.WeightedCluster(t.cluster(), 1,
                    RouteAction.HeaderRules.NONE, RouteAction.HeaderRules.NONE)).toList();
            total = targets.size();
        }
        return new TcpRoute(origin, targets, total);
    }
}
