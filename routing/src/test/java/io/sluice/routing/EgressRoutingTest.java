package io.sluice.routing;

import static io.sluice.routing.TestSnapshots.apply;
import static io.sluice.routing.TestSnapshots.book;
import static io.sluice.routing.TestSnapshots.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sluice.model.registry.Endpoint;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.model.registry.ServicePort;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The mesh proxy's and the egress gateway's tables for the book's 10-a, 10-b and 10-c, and the
 * outbound policy from MeshConfig.
 */
class EgressRoutingTest {

    static final String EGRESS = "istio-egressgateway.istio-system.svc.cluster.local";
    static final ServiceEndpoints HTTPBIN = new ServiceEndpoints(1, "httpbin.org", "chapter4", "ServiceEntry",
            List.of(new ServicePort(443, "https", "HTTPS"), new ServicePort(80, "http", "HTTP")), "MESH_EXTERNAL",
            "DNS", List.of(new Endpoint("httpbin.org", Map.of(443, 443, 80, 80), Map.of(), true, null)));
    static final ServiceEndpoints EGRESS_SERVICE = new ServiceEndpoints(1, EGRESS, "istio-system", "Service",
            List.of(new ServicePort(80, "http2", "HTTP2"), new ServicePort(443, "https", "HTTPS")), "MESH_INTERNAL",
            "STATIC", List.of(new Endpoint("127.0.0.1", Map.of(80, 9080, 443, 9443),
            Map.of("istio", "egressgateway"), true, "egress-1")));
    static final String REGISTRY_ONLY = """
            apiVersion: sluice.io/v1
            kind: MeshConfig
            metadata: {name: mesh, namespace: istio-system}
            spec: {outboundTrafficPolicy: {mode: REGISTRY_ONLY}}
            """;

    static RouteTable mesh(String... yamls) {
        return RouteCompiler.compile(snapshot(apply(yamls), HTTPBIN, EGRESS_SERVICE), NodeIdentity.meshProxy("m"));
    }

    static RouteTable egress(String... yamls) {
        return RouteCompiler.compile(snapshot(apply(yamls), HTTPBIN, EGRESS_SERVICE), NodeIdentity.egress("e"));
    }

    static String httpCluster(RouteTable t, String host, int port) {
        Route r = TestSnapshots.route(t, new TestRequest("GET", "/get", "", host, Map.of(), port, "http"));
        return r == null ? null : ((RouteAction.Forward) r.action()).pick(0).cluster().name();
    }

    static String tlsCluster(RouteTable t, String sni, int port) {
        SniRouter router = t.sniRouter(port);
        TcpRoute r = router == null ? null : router.route(sni, null, null);
        return r == null ? null : r.pick(0).name();
    }

    @ParameterizedTest(name = "{0}: mode {1}")
    @CsvSource(delimiter = '|', value = {
            "no MeshConfig|ALLOW_ANY",
            "REGISTRY_ONLY|REGISTRY_ONLY",
            "ALLOW_ANY|ALLOW_ANY"})
    void outboundPolicyComesFromTheMeshConfig(String mode, OutboundPolicy expected) {
        String yaml = mode.equals("no MeshConfig") ? book("10-a-istio-egress-gateway.yaml")
                : REGISTRY_ONLY.replace("REGISTRY_ONLY", mode);
        assertEquals(expected, mesh(yaml).outbound());
    }

    @Test
    void meshServesEveryRegistryPortByItsProtocol() {
        RouteTable t = mesh(book("10-a-istio-egress-gateway.yaml"));
        assertEquals("outbound|80||httpbin.org", httpCluster(t, "httpbin.org", 80));
        assertEquals("outbound|443||httpbin.org", tlsCluster(t, "httpbin.org", 443));
        assertNull(httpCluster(t, "unknown.example", 80), "left to the outbound policy");
        assertNull(tlsCluster(t, "unknown.example", 443), "left to the outbound policy");
        assertNull(httpCluster(t, "httpbin.org", 8080), "httpbin.org has no port 8080");
    }

    @Test
    void file10bSendsMeshHttpToTheEgressGatewayAndLeavesHttpsDirect() {
        RouteTable mesh = mesh(book("10-b-istio-egress-gateway.yaml"));
        assertEquals("outbound|80|httpbin|" + EGRESS, httpCluster(mesh, "httpbin.org", 80));
        assertEquals("outbound|443||httpbin.org", tlsCluster(mesh, "httpbin.org", 443),
                "no tls rule: HTTPS bypasses the egress gateway, as Istio does");
        RouteTable egress = egress(book("10-b-istio-egress-gateway.yaml"));
        assertEquals("outbound|80||httpbin.org", httpCluster(egress, "httpbin.org", 80));
        assertEquals(List.of(9080), EgressRoutingTest.endpointPorts(mesh, "httpbin.org"));
        assertNull(egress.sniRouter(443), "10-b has no port 443 server");
    }

    @Test
    void file10cSendsMeshTlsToTheEgressGatewayWhichPassesItThroughBySni() {
        RouteTable mesh = mesh(book("10-c-istio-egress-gateway.yaml"));
        assertEquals("outbound|443|httpbin|" + EGRESS, tlsCluster(mesh, "httpbin.org", 443));
        assertEquals("outbound|80|httpbin|" + EGRESS, httpCluster(mesh, "httpbin.org", 80));
        RouteTable egress = egress(book("10-c-istio-egress-gateway.yaml"));
        assertNotNull(egress.sniRouter(443), "the PASSTHROUGH server is a passthrough port");
        assertNull(egress.listener(443), "and not an HTTP listener");
        assertEquals("outbound|443||httpbin.org", tlsCluster(egress, "httpbin.org", 443));
        assertNull(tlsCluster(egress, "other.org", 443), "a name the server does not list is refused");
    }

    @Test
    void theIngressGatewayIgnoresEgressGateways() {
        RouteTable ingress = RouteCompiler.compile(snapshot(apply(book("10-c-istio-egress-gateway.yaml")), HTTPBIN),
                NodeIdentity.ingress("i"));
        assertEquals(Map.of(), ingress.listeners());
        assertEquals(Map.of(), ingress.passthrough());
    }

    @Test
    void meshAnswersKubernetesServicesByTheirNamespaceQualifiedNames() {
        RouteTable t = mesh(book("10-a-istio-egress-gateway.yaml"));
        for (String host : List.of(EGRESS, "istio-egressgateway.istio-system", "istio-egressgateway.istio-system.svc")) {
            assertEquals("outbound|80||" + EGRESS, httpCluster(t, host, 80), host);
        }
    }

    static List<Integer> endpointPorts(RouteTable t, String host) {
        Route r = TestSnapshots.route(t, new TestRequest("GET", "/", "", host, Map.of(), 80, "http"));
        return ((RouteAction.Forward) r.action()).pick(0).cluster().endpoints().stream().map(Upstream::port).toList();
    }

    @ParameterizedTest(name = "enforced {0}, mode {1}: unknown.example reachable {2}")
    @CsvSource({
            "false, ALLOW_ANY, false",
            "false, REGISTRY_ONLY, false",
            "true, ALLOW_ANY, true",
            "true, REGISTRY_ONLY, false"})
    void gatewaysFollowTheOutboundPolicyOnlyWhenEnforced(boolean enforced, String mode, boolean reachable) {
        String gatewayRoute = """
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: egress, namespace: chapter4}
                spec:
                  selector: {istio: egressgateway}
                  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [unknown.example]}]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: unknown, namespace: chapter4}
                spec:
                  hosts: [unknown.example]
                  gateways: [egress]
                  http: [{route: [{destination: {host: unknown.example, port: {number: 80}}}]}]
                """;
        NodeIdentity node = NodeIdentity.egress("e");
        if (enforced) {
            node = node.withLabel(NodeIdentity.ENFORCE_OUTBOUND_POLICY, "true");
        }
        RouteTable t = RouteCompiler.compile(snapshot(apply(gatewayRoute, REGISTRY_ONLY.replace("REGISTRY_ONLY", mode)),
                HTTPBIN), node);
        Route r = TestSnapshots.route(t, new TestRequest("GET", "/", "", "unknown.example", Map.of(), 80, "http"));
        Cluster c = ((RouteAction.Forward) r.action()).pick(0).cluster();
        assertEquals(reachable, c.hasEndpoints());
        if (reachable) {
            assertEquals("unknown.example:80", c.endpoints().getFirst().authority());
        }
    }
}
