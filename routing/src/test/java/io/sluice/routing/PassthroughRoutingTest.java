package io.sluice.routing;

import static io.sluice.routing.TestSnapshots.apply;
import static io.sluice.routing.TestSnapshots.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sluice.model.registry.Endpoint;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.model.registry.ServicePort;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Server-name routes of PASSTHROUGH and AUTO_PASSTHROUGH Gateway servers, the book's file 9 shape. */
class PassthroughRoutingTest {

    static final String GATEWAY = """
            apiVersion: networking.istio.io/v1alpha3
            kind: Gateway
            metadata: {name: chapter4-gateway, namespace: chapter4}
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: 443, name: tls-sni-sockshop, protocol: TLS}
                tls: {mode: PASSTHROUGH}
                hosts: ["*.sockshop.com"]
              - port: {number: 443, name: tls-mockshop, protocol: TLS}
                tls: {mode: PASSTHROUGH}
                hosts: ["mockshop.com"]
              - port: {number: 443, name: tls-sockshop, protocol: TLS}
                tls: {mode: PASSTHROUGH}
                hosts: ["sockshop.com"]
              - port: {number: 15443, name: tls-auto, protocol: TLS}
                tls: {mode: AUTO_PASSTHROUGH}
                hosts: ["*.chapter4.svc.cluster.local"]
            ---
            apiVersion: networking.istio.io/v1alpha3
            kind: VirtualService
            metadata: {name: sockshop, namespace: chapter4}
            spec:
              hosts: ["*.sockshop.com", "sockshop.com", "mockshop.com"]
              gateways: [chapter4-gateway]
              tls:
              - match: [{port: 443, sniHosts: [sockshop.com]}]
                route: [{destination: {host: exact, port: {number: 443}}}]
              - match: [{port: 443, sniHosts: ["*.sockshop.com"]}]
                route: [{destination: {host: wildcard, port: {number: 443}}}]
              - match: [{port: 8443, sniHosts: [mockshop.com]}]
                route: [{destination: {host: wrong-port, port: {number: 443}}}]
              - match: [{gateways: [other-gateway], sniHosts: [mockshop.com]}]
                route: [{destination: {host: wrong-gateway, port: {number: 443}}}]
              - route:
                - {destination: {host: mock-a, port: {number: 443}}, weight: 25}
                - {destination: {host: mock-b, port: {number: 443}}, weight: 75}
            """;

    static ServiceEndpoints svc(String name, int... ports) {
        Map<Integer, Integer> map = new java.util.HashMap<>();
        for (int p : ports) {
            map.put(p, 10000 + p);
        }
        return new ServiceEndpoints(1, name + ".chapter4.svc.cluster.local", "chapter4", "Workload",
                java.util.Arrays.stream(ports).mapToObj(p -> new ServicePort(p, "tls", "TLS")).toList(),
                "MESH_INTERNAL", "STATIC", List.of(new Endpoint("10.0.0.1", map, Map.of(), true, name)));
    }

    static final RouteTable TABLE = RouteCompiler.compile(snapshot(apply(GATEWAY),
            svc("exact", 443), svc("wildcard", 443), svc("mock-a", 443), svc("mock-b", 443), svc("db", 5432, 443)),
            NodeIdentity.ingress("i"));

    @ParameterizedTest(name = "port {0} SNI {1} -> {2}")
    @CsvSource(nullValues = "none", value = {
            "443, sockshop.com, exact",
            "443, my.sockshop.com, wildcard",
            "443, a.b.sockshop.com, wildcard",
            "443, mockshop.com, mock-a",
            "443, foo.example.com, none",
            "443, sockshop.com.evil.net, none",
            "15443, exact.chapter4.svc.cluster.local, exact",
            "15443, outbound_.5432_._.db.chapter4.svc.cluster.local, db",
            "15443, db.chapter4.svc.cluster.local, none",
            "15443, other.default.svc.cluster.local, none"})
    void routesByServerNameMostSpecificFirst(int port, String sni, String service) {
        TcpRoute r = TABLE.sniRouter(port).route(sni, null, null);
        if (service == null) {
            assertNull(r);
        } else {
            assertEquals(service + ".chapter4.svc.cluster.local", r.pick(0).host());
        }
    }

    @ParameterizedTest(name = "draw {0} -> {1}")
    @CsvSource({"0, mock-a", "24, mock-a", "25, mock-b", "99, mock-b"})
    void splitsByWeight(int draw, String service) {
        TcpRoute r = TABLE.sniRouter(443).route("mockshop.com", null, null);
        assertEquals(100, r.totalWeight());
        assertEquals(service + ".chapter4.svc.cluster.local", r.pick(draw).host());
    }

    @ParameterizedTest(name = "AUTO_PASSTHROUGH {0} -> port {1}")
    @CsvSource({
            "outbound_.5432_._.db.chapter4.svc.cluster.local, 5432, 15432",
            "outbound_.443_._.db.chapter4.svc.cluster.local, 443, 10443",
            "exact.chapter4.svc.cluster.local, 443, 10443"})
    void autoPassthroughNamesThePort(String sni, int servicePort, int endpointPort) {
        Cluster c = TABLE.sniRouter(15443).route(sni, null, null).pick(0);
        assertEquals(servicePort, c.port());
        assertEquals(endpointPort, c.endpoints().getFirst().port());
    }

    @org.junit.jupiter.api.Test
    void aTlsRuleForSomeDestinationsLeavesTheOthersToTheNextRule() {
        String vs = GATEWAY.replace("""
              - match: [{port: 443, sniHosts: [sockshop.com]}]
            """, """
              - match: [{port: 443, sniHosts: [sockshop.com], destinationSubnets: [10.9.0.0/16]}]
                route: [{destination: {host: wildcard, port: {number: 443}}}]
              - match: [{port: 443, sniHosts: [sockshop.com]}]
            """);
        RouteTable t = RouteCompiler.compile(snapshot(apply(vs), svc("exact", 443), svc("wildcard", 443),
                svc("mock-a", 443), svc("mock-b", 443)), NodeIdentity.ingress("i"));
        SniRouter router = t.sniRouter(443);
        assertEquals("outbound|443||wildcard.chapter4.svc.cluster.local", router.route("sockshop.com", null,
                Subnets.literal("10.9.1.1")).pick(0).name());
        assertEquals("outbound|443||exact.chapter4.svc.cluster.local", router.route("sockshop.com", null,
                Subnets.literal("127.0.0.1")).pick(0).name());
    }
}
