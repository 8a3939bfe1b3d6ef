package io.sluice.routing;

import io.sluice.model.istio.VirtualServiceSpec.L4MatchAttributes;
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
 * without {@code sniHosts} stands for the VirtualService's hosts. Rules claim a server name (or a TCP
 * port) in order, the first that takes a stream's addresses winning (Istio's first match); a match
 * block with neither {@code destinationSubnets} nor {@code sourceSubnet} takes every stream, and ends
 * the claims.
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
     * @param into       server-name pattern → routes, appended to in order
     */
    void compile(String origin, String namespace, List<String> vsHosts, List<TLSRoute> rules, String gatewayRef,
                 int port, String serverHost, Map<String, TcpRoute> into) {
        for (int i = 0; i < rules.size(); i++) {
            TLSRoute rule = rules.get(i);
            if (rule.route().isEmpty()) {
                continue;
            }
            TcpRoute route = null;
            if (rule.match().isEmpty()) {
                route = route(origin + "#tls" + i, namespace, rule.route());
                claim(vsHosts, serverHost, route, into);
            }
            for (TLSMatchAttributes m : rule.match()) {
                boolean applies = GatewayRefs.applies(m.gateways(), m.sourceLabels(), m.sourceNamespace(), namespace,
                        gatewayRef, node);
                if (applies && (m.port() == null || m.port() == port)) {
                    // every match is for another gateway, source or port: the rule's clusters are never resolved
                    route = route != null ? route : route(origin + "#tls" + i, namespace, rule.route());
                    claim(m.sniHosts().isEmpty() ? vsHosts : m.sniHosts(), serverHost,
                            route.when(Subnets.of(m.destinationSubnets()), Subnets.ANY), into);
                }
            }
        }
    }

    private static void claim(List<String> names, String serverHost, TcpRoute route, Map<String, TcpRoute> into) {
        for (String n : names) {
            String name = HostMatcher.intersect(serverHost, n.toLowerCase(Locale.ROOT));
            if (name != null) {
                into.merge(name, route, TcpRoute::chain);
            }
        }
    }

    /**
     * The routes of a VirtualService's {@code tcp} rules that apply on a plain TCP server port, in order,
     * or null when none does: a rule without match blocks applies everywhere.
     */
    TcpRoute compileTcp(String origin, String namespace, List<TCPRoute> rules, String gatewayRef, int port) {
        TcpRoute out = null;
        for (int i = 0; i < rules.size(); i++) {
            TCPRoute rule = rules.get(i);
            if (rule.route().isEmpty()) {
                continue;
            }
            if (rule.match().isEmpty()) {
                return TcpRoute.chain(out, route(origin + "#tcp" + i, namespace, rule.route()));
            }
            TcpRoute route = null;
            for (L4MatchAttributes m : rule.match()) {
                if (GatewayRefs.applies(m.gateways(), m.sourceLabels(), m.sourceNamespace(), namespace, gatewayRef, node)
                        && (m.port() == null || m.port() == port)) {
                    route = route != null ? route : route(origin + "#tcp" + i, namespace, rule.route());
                    out = TcpRoute.chain(out, route.when(Subnets.of(m.destinationSubnets()),
                            Subnets.of(m.sourceSubnet() == null ? List.of() : List.of(m.sourceSubnet()))));
                }
            }
        }
        return out;
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
