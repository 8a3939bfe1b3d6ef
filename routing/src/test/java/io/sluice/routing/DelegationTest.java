package io.sluice.routing;

import static io.sluice.routing.TestSnapshots.apply;
import static io.sluice.routing.TestSnapshots.endpoint;
import static io.sluice.routing.TestSnapshots.forwardedHost;
import static io.sluice.routing.TestSnapshots.ingressTable;
import static io.sluice.routing.TestSnapshots.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sluice.model.Json;
import io.sluice.model.Resource;
import io.sluice.model.istio.StringMatch;
import io.sluice.model.registry.ServiceEndpoints;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** VirtualService delegation: a root rule replaced by its delegate's rules, narrowed to the root's match. */
class DelegationTest {

    static final ServiceEndpoints WEB = service("web", "shop", 80, endpoint("10.0.0.1", 8080));
    static final ServiceEndpoints API = service("api", "team", 80, endpoint("10.0.1.1", 8080));
    static final ServiceEndpoints API_V1 = service("api-v1", "team", 80, endpoint("10.0.1.2", 8080));
    static final String ROOT = """
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: shop}
            spec:
              selector: {istio: ingressgateway}
              servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [shop.com]}]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: root, namespace: shop}
            spec:
              hosts: [shop.com]
              gateways: [gw]
              http:
              - match: [{uri: {prefix: /api}}]
                delegate: {name: api, namespace: team}
                timeout: 2s
              - route: [{destination: {host: web}}]
            """;
    static final String DELEGATE = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: api, namespace: team}
            spec:
              http:
              - match: [{uri: {prefix: /api/v1}}]
                route: [{destination: {host: api-v1}}]
                timeout: 5s
              - match: [{uri: {prefix: /other}}]
                route: [{destination: {host: api-v1}}]
              - route: [{destination: {host: api}}]
            """;

    static RouteTable table(String... yamls) {
        return ingressTable(apply(yamls), WEB, API, API_V1);
    }

    @Test
    void theDelegatesRulesTakeTheRootRulesPlaceWithinItsMatch() {
        RouteTable t = table(ROOT, DELEGATE);
        assertEquals("api-v1.team.svc.cluster.local", forwardedHost(t, TestRequest.get("shop.com", "/api/v1/users")));
        assertEquals("api.team.svc.cluster.local", forwardedHost(t, TestRequest.get("shop.com", "/api/orders")),
                "a delegate rule without match takes the root's");
        assertEquals("web.shop.svc.cluster.local", forwardedHost(t, TestRequest.get("shop.com", "/other")),
                "a delegate match outside the root's is dropped: the root's next rule answers");
        assertEquals("web.shop.svc.cluster.local", forwardedHost(t, TestRequest.get("shop.com", "/")));
    }

    @Test
    void whatTheDelegateRuleLeavesOutComesFromTheRootRule() {
        RouteTable t = table(ROOT, DELEGATE);
        assertEquals(Duration.ofSeconds(5),
                TestSnapshots.route(t, TestRequest.get("shop.com", "/api/v1/x")).policy().timeout());
        assertEquals(Duration.ofSeconds(2),
                TestSnapshots.route(t, TestRequest.get("shop.com", "/api/x")).policy().timeout());
    }

    @Test
    void aDelegateNotAppliedYetRoutesNothingForItsRootRule() {
        RouteTable t = table(ROOT);
        assertEquals("web.shop.svc.cluster.local", forwardedHost(t, TestRequest.get("shop.com", "/api/v1/users")));
    }

    @Test
    void aChangeToTheDelegateReachesTheRootsRoutes() {
        Map<String, Resource> config = new HashMap<>();
        apply(ROOT, DELEGATE).forEach(r -> config.put(r.kind() + "/" + r.namespace() + "/" + r.name(), r));
        Map<String, ServiceEndpoints> services = Map.of(WEB.host(), WEB, API.host(), API, API_V1.host(), API_V1);
        IncrementalRouteCompiler compiler = new IncrementalRouteCompiler(NodeIdentity.ingress("i"));
        compiler.compile(Map.copyOf(config), 1, services, 1);
        apply(DELEGATE.replace("host: api}", "host: web.shop.svc.cluster.local}"))
                .forEach(r -> config.put(r.kind() + "/" + r.namespace() + "/" + r.name(), r));
        RouteTable after = compiler.compile(Map.copyOf(config), 2, services, 1);
        assertEquals("web.shop.svc.cluster.local", forwardedHost(after, TestRequest.get("shop.com", "/api/orders")));
    }

    @ParameterizedTest(name = "root {0}, delegate {1}: conflict {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {prefix: /api}   | {prefix: /api/v1} | false
            {prefix: /api}   | {exact: /api/x}   | false
            {prefix: /api}   | {prefix: /ap}     | true
            {prefix: /api}   | {exact: /web}     | true
            {exact: /api}    | {exact: /api}     | false
            {exact: /api}    | {prefix: /api}    | true
            {regex: /a.*}    | {prefix: /a}      | true
            {prefix: /a}     | {regex: /a.*}     | true
            """)
    void delegateMatchesMustFallWithinTheRoots(String root, String leaf, boolean conflict) throws Exception {
        assertEquals(conflict, Delegation.conflict(Json.YAML.readValue(root, StringMatch.class),
                Json.YAML.readValue(leaf, StringMatch.class)));
    }

    @Test
    void aDelegateRuleWhoseMatchFitsNoRootMatchIsDropped() throws Exception {
        var root = Json.YAML.readValue("{match: [{uri: {prefix: /api}, headers: {x-team: {exact: a}}}], "
                + "delegate: {name: d}}", io.sluice.model.istio.VirtualServiceSpec.HTTPRoute.class);
        var sameHeader = Json.YAML.readValue("{match: [{uri: {prefix: /api/v2}, headers: {x-team: {exact: a}}}], "
                + "route: [{destination: {host: x}}]}", io.sluice.model.istio.VirtualServiceSpec.HTTPRoute.class);
        var otherHeader = Json.YAML.readValue("{match: [{headers: {x-team: {exact: b}}}], "
                + "route: [{destination: {host: x}}]}", io.sluice.model.istio.VirtualServiceSpec.HTTPRoute.class);
        assertEquals(List.of("/api/v2"), Delegation.merge(root, sameHeader).match().stream()
                .map(m -> m.uri().prefix()).toList());
        assertNull(Delegation.merge(root, otherHeader));
    }
}
