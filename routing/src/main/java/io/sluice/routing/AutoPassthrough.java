package io.sluice.routing;

import io.sluice.model.istio.Destination;
import io.sluice.model.istio.DestinationRuleSpec;
import io.sluice.model.istio.PortSelector;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.model.registry.ServicePort;
import java.util.Map;
import java.util.TreeMap;

/**
 * Routes of a Gateway server with {@code tls.mode: AUTO_PASSTHROUGH}: no VirtualService, the server
 * name itself says where to go. Istio's form {@code outbound_.<port>_.<subset>_.<host>} names a port
 * and subset; a plain {@code <host>} goes to that service on the server's port, or on its only port
 * (a plain name of a service with several ports, none of them the server's, is refused).
 * Only registry services the server's host pattern covers are reachable.
 */
final class AutoPassthrough {

    private AutoPassthrough() {
    }

    static void addRoutes(String serverHost, int serverPort, ServiceDirectory directory,
                          Map<String, ServiceEndpoints> services, Map<String, TcpRoute> into) {
        for (ServiceEndpoints s : new TreeMap<>(services).values()) {
            if (!HostMatcher.covers(serverHost, s.host()) || s.ports().isEmpty()) {
                continue;
            }
            DestinationRuleSpec dr = directory.destinationRule(s.host());
            for (ServicePort p : s.ports()) {
                into.merge("outbound_." + p.number() + "_._." + s.host(), route(directory, s.host(), null, p.number()),
                        TcpRoute::chain);
                if (dr != null) {
                    for (DestinationRuleSpec.Subset subset : dr.subsets()) {
                        into.merge("outbound_." + p.number() + "_." + subset.name() + "_." + s.host(),
                                route(directory, s.host(), subset.name(), p.number()), TcpRoute::chain);
                    }
                }
            }
            boolean hasServerPort = s.ports().stream().anyMatch(p -> p.number() == serverPort);
            if (hasServerPort || s.ports().size() == 1) { // else the name alone does not say which port
                int port = hasServerPort ? serverPort : s.ports().getFirst().number();
                into.merge(s.host(), route(directory, s.host(), null, port), TcpRoute::chain);
            }
        }
    }

    private static TcpRoute route(ServiceDirectory directory, String host, String subset, int port) {
        Cluster c = directory.cluster(new Destination(host, subset, new PortSelector(port)), "");
        return TcpRoute.to("auto-passthrough", c);
    }
}
