package io.sluice.routing;

import static io.sluice.routing.TestSnapshots.apply;
import static io.sluice.routing.TestSnapshots.endpoint;
import static io.sluice.routing.TestSnapshots.service;
import static io.sluice.routing.TestSnapshots.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.model.registry.ServiceEndpoints;
import org.junit.jupiter.api.Test;

/**
 * Match blocks' {@code sourceLabels} and {@code sourceNamespace}: decided against the node's own labels
 * and namespace when its table is compiled, as Istio decides them when it builds a proxy's routes.
 */
class SourceMatchTest {

    static final ServiceEndpoints REVIEWS = service("reviews", "shop", 80,
            endpoint("10.0.0.1", 9081, "version", "v1"), endpoint("10.0.0.2", 9082, "version", "v2"));
    static final String SUBSETS = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: reviews, namespace: shop}
            spec:
              host: reviews
              subsets:
              - {name: v1, labels: {version: v1}}
              - {name: v2, labels: {version: v2}}
            """;

    /** The subset a node's request to reviews goes to. */
    static String subset(NodeIdentity node, String virtualService) {
        RouteTable t = RouteCompiler.compile(snapshot(apply(SUBSETS, virtualService), REVIEWS), node);
        Route r = TestSnapshots.route(t, TestRequest.get("reviews.shop.svc.cluster.local", "/"));
        return ((RouteAction.Forward) r.action()).pick(0).cluster().subset();
    }

    static final String BY_SOURCE = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: reviews, namespace: shop}
            spec:
              hosts: [reviews]
              http:
              - match: [{sourceLabels: {app: frontend, track: canary}}]
                route: [{destination: {host: reviews, subset: v2}}]
              - match: [{sourceNamespace: tests}]
                route: [{destination: {host: reviews, subset: v2}}]
              - route: [{destination: {host: reviews, subset: v1}}]
            """;

    @Test
    void aRuleForSourceLabelsAppliesOnlyOnProxiesCarryingAllOfThem() {
        NodeIdentity frontend = NodeIdentity.meshProxy("m").withLabel("app", "frontend");
        assertEquals("v2", subset(frontend.withLabel("track", "canary").withLabel("zone", "a"), BY_SOURCE));
        assertEquals("v1", subset(frontend, BY_SOURCE), "one of the two labels is not enough");
        assertEquals("v1", subset(NodeIdentity.meshProxy("m"), BY_SOURCE));
    }

    @Test
    void aRuleForASourceNamespaceAppliesOnlyOnProxiesInIt() {
        assertEquals("v2", subset(NodeIdentity.meshProxy("m").inNamespace("tests"), BY_SOURCE));
        assertEquals("v1", subset(NodeIdentity.meshProxy("m").inNamespace("shop"), BY_SOURCE));
    }

    @Test
    void aMatchThatListsGatewaysIgnoresItsSourceConditionsAsIstioDoes() {
        String yaml = """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: shop}
                spec:
                  hosts: [reviews]
                  http:
                  - match: [{gateways: [mesh], sourceLabels: {app: frontend}}]
                    route: [{destination: {host: reviews, subset: v2}}]
                  - route: [{destination: {host: reviews, subset: v1}}]
                """;
        assertEquals("v2", subset(NodeIdentity.meshProxy("m"), yaml));
    }

    @Test
    void tlsMatchesTakeTheSameSourceConditions() {
        String yaml = """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: httpbin, namespace: chapter4}
                spec:
                  hosts: [httpbin.org]
                  tls:
                  - match: [{sniHosts: [httpbin.org], port: 443, sourceLabels: {app: curl}}]
                    route: [{destination: {host: %s, port: {number: 443}}}]
                """.formatted(EgressRoutingTest.EGRESS);
        var snapshot = snapshot(apply(yaml), EgressRoutingTest.HTTPBIN, EgressRoutingTest.EGRESS_SERVICE);
        NodeIdentity curl = NodeIdentity.meshProxy("m").withLabel("app", "curl");
        assertEquals("outbound|443||" + EgressRoutingTest.EGRESS,
                EgressRoutingTest.tlsCluster(RouteCompiler.compile(snapshot, curl), "httpbin.org", 443));
        assertEquals("outbound|443||httpbin.org", EgressRoutingTest.tlsCluster(
                RouteCompiler.compile(snapshot, NodeIdentity.meshProxy("m")), "httpbin.org", 443));
    }

    @Test
    void aDestinationRuleWithAWorkloadSelectorAppliesOnlyOnTheProxiesItSelectsInItsNamespace() {
        String selected = SUBSETS.replace("  host: reviews\n",
                "  host: reviews\n  workloadSelector: {matchLabels: {app: frontend}}\n");
        String toV2 = """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: shop}
                spec:
                  hosts: [reviews]
                  http: [{route: [{destination: {host: reviews, subset: v2}}]}]
                """;
        NodeIdentity frontend = NodeIdentity.meshProxy("m").withLabel("app", "frontend").inNamespace("shop");
        assertEquals("v2", subsetOrNone(frontend, selected, toV2));
        assertEquals("none", subsetOrNone(frontend.inNamespace("other"), selected, toV2),
                "selectors do not cross namespaces: no rule, no subset v2");
        assertEquals("none", subsetOrNone(NodeIdentity.meshProxy("m").inNamespace("shop"), selected, toV2));
    }

    /** The subset the request goes to, or none when the subset has no endpoints (no rule defines it). */
    private static String subsetOrNone(NodeIdentity node, String rules, String virtualService) {
        RouteTable t = RouteCompiler.compile(snapshot(apply(rules, virtualService), REVIEWS), node);
        Cluster c = ((RouteAction.Forward) TestSnapshots.route(t, TestRequest.get("reviews.shop.svc.cluster.local", "/"))
                .action()).pick(0).cluster();
        return c.hasEndpoints() ? c.subset() : "none";
    }
}
