package io.sluice.routing;

import static io.sluice.routing.TestSnapshots.apply;
import static io.sluice.routing.TestSnapshots.endpoint;
import static io.sluice.routing.TestSnapshots.service;
import static io.sluice.routing.TestSnapshots.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sluice.model.ResourceKind;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.model.registry.ServicePort;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The mesh proxy's table under Istio Sidecars: which Sidecar applies to a workload, which hosts its
 * egress listeners let the proxy see, on which ports, and whose outbound policy it follows.
 */
class SidecarScopeTest {

    static final String REVIEWS = "reviews.shop.svc.cluster.local";
    static final String RATINGS = "ratings.other.svc.cluster.local";
    static final ServiceEndpoints[] SERVICES = {
            service("reviews", "shop", 80, endpoint("10.0.0.1", 9080)),
            service("ratings", "other", 80, endpoint("10.0.0.2", 9080)),
            new ServiceEndpoints(1, "httpbin.org", "egress", "ServiceEntry",
                    List.of(new ServicePort(8000, "http", "HTTP")), "MESH_EXTERNAL", "DNS",
                    List.of(new io.sluice.model.registry.Endpoint("httpbin.org", Map.of(8000, 80), Map.of(), true, null)))};

    static final String SHOP_DEFAULT = """
            apiVersion: networking.istio.io/v1
            kind: Sidecar
            metadata: {name: default, namespace: shop}
            spec:
              egress: [{hosts: ["./*", "istio-system/*"]}]
            """;

    static RouteTable mesh(NodeIdentity node, String... yamls) {
        return RouteCompiler.compile(snapshot(apply(yamls), SERVICES), node);
    }

    static NodeIdentity workload(String namespace, String... labels) {
        NodeIdentity node = NodeIdentity.meshProxy("m").inNamespace(namespace);
        for (int i = 0; i < labels.length; i += 2) {
            node = node.withLabel(labels[i], labels[i + 1]);
        }
        return node;
    }

    static String cluster(RouteTable t, String host, int port) {
        return EgressRoutingTest.httpCluster(t, host, port);
    }

    @Test
    void aNamespacesSidecarShowsItsWorkloadsOnlyTheHostsItImports() {
        RouteTable shop = mesh(workload("shop"), SHOP_DEFAULT);
        assertEquals("outbound|80||" + REVIEWS, cluster(shop, REVIEWS, 80));
        assertNull(cluster(shop, RATINGS, 80), "another namespace's service: left to the outbound policy");
        assertNull(cluster(shop, "httpbin.org", 8000));
        RouteTable other = mesh(workload("other"), SHOP_DEFAULT);
        assertEquals("outbound|80||" + RATINGS, cluster(other, RATINGS, 80), "no Sidecar in other: everything");
        assertEquals("outbound|80||" + REVIEWS, cluster(other, REVIEWS, 80));
    }

    @Test
    void aSelectingSidecarWinsOverItsNamespacesDefaultAndTheRootsDefaultCoversTheRest() {
        String yaml = SHOP_DEFAULT + """
                ---
                apiVersion: networking.istio.io/v1
                kind: Sidecar
                metadata: {name: frontend, namespace: shop}
                spec:
                  workloadSelector: {labels: {app: frontend}}
                  egress: [{hosts: ["other/*"]}]
                ---
                apiVersion: networking.istio.io/v1
                kind: Sidecar
                metadata: {name: default, namespace: istio-system}
                spec:
                  egress: [{hosts: ["*/httpbin.org"]}]
                """;
        RouteTable frontend = mesh(workload("shop", "app", "frontend"), yaml);
        assertEquals("outbound|80||" + RATINGS, cluster(frontend, RATINGS, 80));
        assertNull(cluster(frontend, REVIEWS, 80));
        RouteTable backend = mesh(workload("shop", "app", "backend"), yaml);
        assertEquals("outbound|80||" + REVIEWS, cluster(backend, REVIEWS, 80), "the namespace's default");
        assertNull(cluster(backend, RATINGS, 80));
        RouteTable elsewhere = mesh(workload("other"), yaml);
        assertEquals("outbound|8000||httpbin.org", cluster(elsewhere, "httpbin.org", 8000), "the root's default");
        assertNull(cluster(elsewhere, RATINGS, 80));
    }

    @Test
    void theRootsDefaultImportsTheWorkloadsOwnNamespaceByDot() {
        String rootDefault = SHOP_DEFAULT.replace("namespace: shop", "namespace: istio-system");
        RouteTable shop = mesh(workload("shop"), rootDefault);
        assertEquals("outbound|80||" + REVIEWS, cluster(shop, REVIEWS, 80), "./* is shop for a workload in shop");
        assertNull(cluster(shop, RATINGS, 80), "not istio-system's, nor any other namespace's");
        RouteTable other = mesh(workload("other"), rootDefault);
        assertEquals("outbound|80||" + RATINGS, cluster(other, RATINGS, 80), "and other for one in other");
        assertNull(cluster(other, REVIEWS, 80));
    }

    @Test
    void aListenerWithAPortScopesThatPortAndTheCatchAllTheOthers() {
        RouteTable t = mesh(workload("shop"), """
                apiVersion: networking.istio.io/v1
                kind: Sidecar
                metadata: {name: default, namespace: shop}
                spec:
                  egress:
                  - port: {number: 80, protocol: HTTP, name: http}
                    hosts: ["./reviews.shop.svc.cluster.local"]
                  - hosts: ["*/*"]
                """);
        assertEquals("outbound|80||" + REVIEWS, cluster(t, REVIEWS, 80));
        assertNull(cluster(t, RATINGS, 80), "port 80 has a listener of its own, which does not list ratings");
        assertEquals("outbound|8000||httpbin.org", cluster(t, "httpbin.org", 8000), "other ports: the catch-all");
    }

    @Test
    void aVirtualServiceIsSeenWhereItsNamespaceAndHostAreImported() {
        String routes = """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: shop}
                spec:
                  hosts: [reviews]
                  http: [{route: [{destination: {host: ratings.other.svc.cluster.local}}]}]
                """;
        assertEquals("outbound|80||" + RATINGS, cluster(mesh(workload("shop"), routes, SHOP_DEFAULT), REVIEWS, 80),
                "the shop's route is imported, wherever it sends");
        String importsOnlyOther = SHOP_DEFAULT.replace("[\"./*\", \"istio-system/*\"]", "[\"other/*\"]");
        assertNull(cluster(mesh(workload("shop"), routes, importsOnlyOther), REVIEWS, 80));
    }

    @Test
    void theSidecarsOutboundPolicyOverridesTheMeshs() {
        String yaml = EgressRoutingTest.REGISTRY_ONLY + """
                ---
                apiVersion: networking.istio.io/v1
                kind: Sidecar
                metadata: {name: default, namespace: shop}
                spec:
                  outboundTrafficPolicy: {mode: ALLOW_ANY}
                """;
        assertEquals(OutboundPolicy.ALLOW_ANY, mesh(workload("shop"), yaml).outbound());
        assertEquals(OutboundPolicy.REGISTRY_ONLY, mesh(workload("other"), yaml).outbound());
        assertEquals("outbound|80||" + RATINGS, cluster(mesh(workload("shop"), yaml), RATINGS, 80),
                "a Sidecar without egress listeners sees every host");
    }

    @Test
    void gatewaysNeverReadSidecars() {
        assertFalse(RouteCompiler.readsFrom(NodeIdentity.ingress("i"), ResourceKind.SIDECAR));
        assertFalse(RouteCompiler.readsFrom(NodeIdentity.egress("e"), ResourceKind.SIDECAR));
    }
}
