package io.sluice.routing;

import static io.sluice.routing.TestSnapshots.apply;
import static io.sluice.routing.TestSnapshots.book;
import static io.sluice.routing.TestSnapshots.endpoint;
import static io.sluice.routing.TestSnapshots.forwardedHost;
import static io.sluice.routing.TestSnapshots.ingressTable;
import static io.sluice.routing.TestSnapshots.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.model.Resource;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.model.registry.ServicePort;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The routing behaviour the book's README describes for files 3, 4a and 5a. */
class BookChapter4RoutingTest {

    private static final ServiceEndpoints FRONT_END =
            service("front-end", "sock-shop", 80, endpoint("10.0.0.1", 8079, "name", "front-end"));
    private static final ServiceEndpoints ENVOYDUMMY = service("envoydummy", "chapter4", 80,
            endpoint("10.0.1.1", 10000, "name", "envoydummy", "version", "v1"),
            endpoint("10.0.1.2", 10001, "name", "envoydummy", "version", "v2"));
    private static final ServiceEndpoints HTTPBIN = new ServiceEndpoints(1, "httpbin.org", "chapter4",
            "ServiceEntry", List.of(new ServicePort(80, "httpbin", "HTTP")), "MESH_EXTERNAL", "DNS",
            List.of(endpoint("httpbin.org", 80)));

    @Test
    void file3RoutesEachHostAcrossNamespaces() {
        RouteTable table = ingressTable(apply(book("3-istio-gateway.yaml")), FRONT_END, ENVOYDUMMY);
        assertEquals("front-end.sock-shop.svc.cluster.local",
                forwardedHost(table, TestRequest.get("sockshop.com", "/")));
        assertEquals("envoydummy.chapter4.svc.cluster.local",
                forwardedHost(table, TestRequest.get("mockshop.com", "/")));
        assertNull(table.listener(80).virtualHost("unknown.com"));
        assertNull(table.listener(443), "port 443 is not configured");
    }

    @Test
    void file4aSplitsTenNinetyAndDropsSockshop() {
        RouteTable table = ingressTable(apply(book("3-istio-gateway.yaml"), book("4a-istio-gateway.yaml")),
                FRONT_END, ENVOYDUMMY);
        assertNull(table.listener(80).virtualHost("sockshop.com"),
                "the Gateway no longer lists sockshop.com, though VirtualService sockshop remains");
        var forward = (RouteAction.Forward) TestSnapshots.route(table, TestRequest.get("mockshop.com", "/"))
                .action();
        assertEquals(100, forward.totalWeight());
        int v1 = 0;
        for (int draw = 0; draw < forward.totalWeight(); draw++) {
            Cluster c = forward.pick(draw).cluster();
            if (c.subset().equals("v1")) {
                v1++;
            }
            assertEquals(List.of(c.subset()), c.endpoints().stream().map(u -> u.labels().get("version")).toList());
        }
        assertEquals(10, v1);
    }

    @Test
    void file4aSubsetWithoutEndpointsIsEmptyNotRerouted() {
        ServiceEndpoints onlyV1 = service("envoydummy", "chapter4", 80,
                endpoint("10.0.1.1", 10000, "version", "v1"));
        RouteTable table = ingressTable(apply(book("4a-istio-gateway.yaml")), onlyV1);
        var forward = (RouteAction.Forward) TestSnapshots.route(table, TestRequest.get("mockshop.com", "/"))
                .action();
        assertFalse(forward.pick(50).cluster().hasEndpoints(), "v2 has no pods: the gateway answers 503");
    }

    @Test
    void file5aRoutesPlainStringPrefixesAndNothingElse() {
        RouteTable table = ingressTable(apply(book("5a-istio-gateway.yaml")), ENVOYDUMMY, HTTPBIN);
        assertEquals("envoydummy.chapter4.svc.cluster.local",
                forwardedHost(table, TestRequest.get("mockshop.com", "/ping")));
        assertEquals("envoydummy.chapter4.svc.cluster.local",
                forwardedHost(table, TestRequest.get("mockshop.com", "/pingx")));
        Route get = TestSnapshots.route(table, TestRequest.get("mockshop.com", "/get"));
        Cluster httpbin = ((RouteAction.Forward) get.action()).pick(0).cluster();
        assertEquals("httpbin.org", httpbin.host());
        assertTrue(httpbin.external());
        assertNull(((RouteAction.Forward) get.action()).rewrite(), "the authority is not rewritten");
        assertNotNull(table.listener(80).virtualHost("mockshop.com"));
        assertNull(TestSnapshots.route(table, TestRequest.get("mockshop.com", "/")), "no route: 404");
        assertNull(table.listener(80).virtualHost("unknown.com"));
    }

    /** Server hosts may name the namespaces whose VirtualServices they admit: {@code ns/host}, {@code ./host}. */
    @Test
    void gatewayServerHostNamespaceFilterAdmitsOnlyThatNamespace() {
        String gateway = """
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: edge}
                spec:
                  selector: {istio: ingressgateway}
                  servers:
                  - port: {number: 80, name: http, protocol: HTTP}
                    hosts: ["chapter4/mockshop.com", "./edge.com", "*/any.com"]
                """;
        String vs = """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: %s, namespace: %s}
                spec:
                  hosts: ["%s"]
                  gateways: [edge/gw]
                  http: [{route: [{destination: {host: web}}]}]
                """;
        RouteTable table = ingressTable(apply(gateway,
                vs.formatted("ok", "chapter4", "mockshop.com"),
                vs.formatted("wrong-ns", "other", "mockshop.com"),
                vs.formatted("edge-ok", "edge", "edge.com"),
                vs.formatted("edge-wrong", "chapter4", "edge.com"),
                vs.formatted("any", "other", "any.com")));
        assertEquals(List.of("chapter4/ok#0"), origins(table, "mockshop.com"));
        assertEquals(List.of("edge/edge-ok#0"), origins(table, "edge.com"));
        assertEquals(List.of("other/any#0"), origins(table, "any.com"));
    }

    private static List<String> origins(RouteTable table, String host) {
        return table.listener(80).virtualHost(host).routes().stream().map(Route::origin).toList();
    }

    @Test
    void everyBookFileCompilesToTheSameTableWithoutTheKindsRoutingDoesNotRead() throws Exception {
        List<String> files;
        try (var listing = java.nio.file.Files.list(io.sluice.testing.BookFiles.dir())) {
            files = listing.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".yaml")).sorted().toList();
        }
        int withOtherKinds = 0;
        for (String file : files) {
            List<Resource> all = io.sluice.model.Manifests.decode(book(file), "default").stream()
                    .flatMap(d -> d instanceof io.sluice.model.Manifests.Accepted a
                            ? java.util.stream.Stream.of(a.resource()) : java.util.stream.Stream.empty())
                    .toList();
            for (NodeIdentity node : List.of(NodeIdentity.ingress("i"), NodeIdentity.egress("e"),
                    NodeIdentity.meshProxy("m"))) {
                List<Resource> read = all.stream().filter(r -> RouteCompiler.readsFrom(node, r.kind())).toList();
                withOtherKinds += all.size() - read.size();
                assertEquals(table(all, node).dump(), table(read, node).dump(), file + " on " + node.id());
            }
        }
        assertTrue(withOtherKinds > 0, "the book's files have Services and ServiceEntries to leave out");
    }

    private static RouteTable table(List<Resource> resources, NodeIdentity node) {
        return RouteCompiler.compile(new ConfigSnapshot(resources, 1, java.util.Map.of(FRONT_END.host(), FRONT_END,
                ENVOYDUMMY.host(), ENVOYDUMMY, HTTPBIN.host(), HTTPBIN), 1), node);
    }
}
