package io.sluice.routing;

import static io.sluice.routing.TestSnapshots.ROUTE_TO_SVC;
import static io.sluice.routing.TestSnapshots.apply;
import static io.sluice.routing.TestSnapshots.endpoint;
import static io.sluice.routing.TestSnapshots.service;
import static io.sluice.routing.TestSnapshots.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.model.registry.Network;
import io.sluice.model.registry.ServiceEndpoints;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Endpoints on other networks of a multi-network mesh, as a node on one of them sees a service. */
class NetworkRoutingTest {

    static final ServiceEndpoints SVC = service("svc", "default", 80,
            endpoint("10.1.0.1", 80, Network.LABEL, "east"),
            endpoint("10.2.0.1", 80, Network.LABEL, "west"),
            endpoint("10.3.0.1", 80));

    static List<String> endpoints(NodeIdentity node) {
        return RouteCompiler.compile(snapshot(apply(ROUTE_TO_SVC), SVC), node).clusters()
                .get("outbound|80||svc.default.svc.cluster.local").endpoints().stream().map(Upstream::address).toList();
    }

    @Test
    void aNodeOnANetworkReachesItsOwnAndThoseOnNoneButNotAnothers() {
        assertEquals(List.of("10.1.0.1", "10.3.0.1"),
                endpoints(NodeIdentity.ingress("east-1").withLabel(Network.LABEL, "east")));
        assertEquals(List.of("10.2.0.1", "10.3.0.1"),
                endpoints(NodeIdentity.ingress("west-1").withLabel(Network.LABEL, "west")));
    }

    @Test
    void aNodeOnNoNetworkReachesEveryEndpoint() {
        assertEquals(List.of("10.1.0.1", "10.2.0.1", "10.3.0.1"), endpoints(NodeIdentity.ingress("i")));
    }
}
