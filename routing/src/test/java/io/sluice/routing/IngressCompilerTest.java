package io.sluice.routing;

import static io.sluice.routing.TestSnapshots.apply;
import static io.sluice.routing.TestSnapshots.endpoint;
import static io.sluice.routing.TestSnapshots.forwardedHost;
import static io.sluice.routing.TestSnapshots.ingressTable;
import static io.sluice.routing.TestSnapshots.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.model.registry.ServicePort;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IngressCompilerTest {

    /**
     * The examples table of the Kubernetes Ingress documentation. Paths are {@code Type path} separated
     * by commas, each backed by service {@code svc-<index>}; the expected match is the index of the path
     * taken, or {@code default} for the default backend.
     */
    @ParameterizedTest(name = "{0} | {1} -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            Prefix /                                  | /             | 0
            Prefix /                                  | /any/path     | 0
            Exact /foo                                | /foo          | 0
            Exact /foo                                | /bar          | default
            Exact /foo                                | /foo/         | default
            Exact /foo/                               | /foo          | default
            Prefix /foo                               | /foo          | 0
            Prefix /foo                               | /foo/         | 0
            Prefix /foo/                              | /foo          | 0
            Prefix /foo/                              | /foo/         | 0
            Prefix /aaa/bb                            | /aaa/bbb      | default
            Prefix /aaa/bbb                           | /aaa/bbb      | 0
            Prefix /aaa/bbb/                          | /aaa/bbb      | 0
            Prefix /aaa/bbb                           | /aaa/bbb/     | 0
            Prefix /aaa/bbb                           | /aaa/bbb/ccc  | 0
            Prefix /aaa/bbb                           | /aaa/bbbxyz   | default
            Prefix /, Prefix /aaa                     | /aaa/ccc      | 1
            Prefix /, Prefix /aaa, Prefix /aaa/bbb    | /aaa/bbb      | 2
            Prefix /, Prefix /aaa, Prefix /aaa/bbb    | /ccc          | 0
            Prefix /aaa                               | /ccc          | default
            Prefix /foo, Exact /foo                   | /foo          | 1
            Exact /foo, Prefix /foo                   | /foo          | 0
            ImplementationSpecific /foo               | /foo/bar      | 0
            ImplementationSpecific /foo               | /foobar       | default
            """)
    void followsTheKubernetesExamplesTable(String paths, String request, String expected) {
        StringBuilder yaml = new StringBuilder("""
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: docs, namespace: web}
                spec:
                  ingressClassName: istio
                  defaultBackend: {service: {name: fallback, port: {number: 80}}}
                  rules:
                  - host: docs.example.com
                    http:
                      paths:
                """);
        String[] specs = paths.split(",");
        for (int i = 0; i < specs.length; i++) {
            String[] typeAndPath = specs[i].trim().split(" ");
            yaml.append("          - {pathType: %s, path: \"%s\", backend: {service: {name: svc-%d, port: {number: 80}}}}\n"
                    .formatted(typeAndPath[0], typeAndPath[1], i));
        }
        RouteTable table = ingressTable(apply(yaml.toString()));
        String want = (expected.equals("default") ? "fallback" : "svc-" + expected) + ".web.svc.cluster.local";
        assertEquals(want, forwardedHost(table, TestRequest.get("docs.example.com", request)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            annotation istio                      | kubernetes.io/ingress.class: istio |                  | true
            ingressClassName istio                |                                      | istio            | true
            annotation nginx                      | kubernetes.io/ingress.class: nginx |                  | false
            ingressClassName nginx                |                                      | nginx            | false
            no class at all                       |                                      |                  | false
            annotation wins over ingressClassName | kubernetes.io/ingress.class: nginx | istio            | false
            """)
    void servesOnlyTheIstioClass(String why, String annotation, String className, boolean served) {
        String yaml = """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: shop
                  annotations: {%s}
                spec:
                  %s
                  rules:
                  - host: shop.com
                    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}]}
                """.formatted(annotation == null ? "" : annotation,
                className == null ? "" : "ingressClassName: " + className);
        RouteTable table = ingressTable(apply(yaml));
        assertEquals(served, table.listener(80) != null, why);
        assertEquals(served ? "shop.default.svc.cluster.local" : null,
                forwardedHost(table, TestRequest.get("shop.com", "/")), why);
    }

    @Test
    void onlyIngressGatewaysServeIngresses() {
        var snapshot = TestSnapshots.snapshot(apply(TestSnapshots.book("1-istio-ingress.yaml")));
        assertTrue(RouteCompiler.compile(snapshot, NodeIdentity.ingress("i")).ports().contains(80));
        assertTrue(RouteCompiler.compile(snapshot, NodeIdentity.egress("e")).ports().isEmpty());
        assertTrue(RouteCompiler.compile(snapshot, NodeIdentity.meshProxy("m")).ports().isEmpty());
    }

    @Test
    void bookIngressesServeTheirHostsAndAnswer404ForOthers() {
        RouteTable table = ingressTable(apply(TestSnapshots.book("1-istio-ingress.yaml"),
                        TestSnapshots.book("2-istio-ingress.yaml")),
                service("front-end", "sock-shop", 80, endpoint("10.0.0.1", 8079, "name", "front-end")),
                service("envoydummy", "chapter4", 80, endpoint("10.0.1.1", 10000, "version", "v1")));
        assertEquals("HTTP", table.listener(80).protocol());
        assertEquals("front-end.sock-shop.svc.cluster.local",
                forwardedHost(table, TestRequest.get("sockshop.com", "/")));
        assertEquals("front-end.sock-shop.svc.cluster.local",
                forwardedHost(table, TestRequest.get("SockShop.com:80", "/catalogue/socks")));
        assertEquals("envoydummy.chapter4.svc.cluster.local",
                forwardedHost(table, TestRequest.get("mockshop.com", "/")));
        assertNull(table.listener(80).virtualHost("unknown.com"), "unknown host: no virtual host, so 404");

        Route r = TestSnapshots.route(table, TestRequest.get("sockshop.com", "/"));
        var cluster = ((RouteAction.Forward) r.action()).pick(0).cluster();
        assertEquals(80, cluster.port());
        assertEquals("10.0.0.1:8079", cluster.endpoints().getFirst().authority());
    }

    @Test
    void wildcardHostStandsForExactlyOneLabel() {
        RouteTable table = ingressTable(apply("""
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: wild}
                spec:
                  ingressClassName: istio
                  rules:
                  - host: "*.foo.com"
                    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: wild, port: {number: 80}}}}]}
                  - http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: any, port: {number: 80}}}}]}
                """));
        assertEquals("wild.default.svc.cluster.local", forwardedHost(table, TestRequest.get("bar.foo.com", "/")));
        assertEquals("any.default.svc.cluster.local", forwardedHost(table, TestRequest.get("baz.bar.foo.com", "/")));
        assertEquals("any.default.svc.cluster.local", forwardedHost(table, TestRequest.get("foo.com", "/")));
    }

    @Test
    void ruleWithoutHostServesEveryHostWithoutRulesOfItsOwn() {
        RouteTable table = ingressTable(apply("""
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: mixed}
                spec:
                  ingressClassName: istio
                  rules:
                  - host: shop.com
                    http: {paths: [{path: /shop, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}]}
                  - http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: any, port: {number: 80}}}}]}
                """));
        assertEquals("any.default.svc.cluster.local", forwardedHost(table, TestRequest.get("other.com", "/x")));
        assertEquals("shop.default.svc.cluster.local", forwardedHost(table, TestRequest.get("shop.com", "/shop")));
        assertNull(TestSnapshots.route(table, TestRequest.get("shop.com", "/x")),
                "a host with rules sees only its own paths, as nginx and Istio do");
    }

    @Test
    void defaultBackendTakesUnmatchedPathsAndUnknownHosts() {
        RouteTable table = ingressTable(apply("""
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: dflt}
                spec:
                  ingressClassName: istio
                  defaultBackend: {service: {name: fallback, port: {number: 80}}}
                  rules:
                  - host: shop.com
                    http: {paths: [{path: /shop, pathType: Exact, backend: {service: {name: shop, port: {number: 80}}}}]}
                """));
        assertEquals("shop.default.svc.cluster.local", forwardedHost(table, TestRequest.get("shop.com", "/shop")));
        assertEquals("fallback.default.svc.cluster.local", forwardedHost(table, TestRequest.get("shop.com", "/x")));
        assertEquals("fallback.default.svc.cluster.local", forwardedHost(table, TestRequest.get("else.com", "/")));
    }

    @Test
    void backendPortByNameIsLookedUpInTheRegistry() {
        var svc = new ServiceEndpoints(1, "web.shop.svc.cluster.local", "shop", "Service",
                List.of(new ServicePort(8080, "http-web", "HTTP"), new ServicePort(9090, "metrics", "HTTP")),
                "MESH_INTERNAL", "STATIC", List.of(endpoint("10.0.0.7", 8080)));
        RouteTable table = ingressTable(apply("""
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: named, namespace: shop}
                spec:
                  ingressClassName: istio
                  rules:
                  - host: shop.com
                    http:
                      paths:
                      - {path: /missing, pathType: Prefix, backend: {service: {name: web, port: {name: nope}}}}
                      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http-web}}}}
                """), svc);
        Cluster named = cluster(table, TestRequest.get("shop.com", "/"));
        assertEquals("web.shop.svc.cluster.local", named.host());
        assertEquals(8080, named.port());
        assertTrue(named.hasEndpoints());
        Cluster missing = cluster(table, TestRequest.get("shop.com", "/missing"));
        assertFalse(missing.hasEndpoints(), "a port the Service lacks has no endpoints: 503, not another path");
    }

    @Test
    void virtualServiceRoutesComeBeforeIngressPathsOnTheSameHost() {
        RouteTable table = ingressTable(apply("""
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: gw}
                spec:
                  selector: {istio: ingressgateway}
                  servers:
                  - port: {number: 80, name: http, protocol: HTTP}
                    hosts: [shop.com]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: vs}
                spec:
                  hosts: [shop.com]
                  gateways: [gw]
                  http:
                  - match: [{uri: {prefix: /api}}]
                    route: [{destination: {host: api}}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: ing}
                spec:
                  ingressClassName: istio
                  rules:
                  - host: shop.com
                    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
                  - host: only-ingress.com
                    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
                """));
        assertEquals("api.default.svc.cluster.local", forwardedHost(table, TestRequest.get("shop.com", "/api/x")));
        assertEquals("web.default.svc.cluster.local", forwardedHost(table, TestRequest.get("shop.com", "/x")));
        assertEquals("web.default.svc.cluster.local", forwardedHost(table, TestRequest.get("only-ingress.com", "/")));
        assertEquals(1, table.ports().size());
    }

    @Test
    void olderIngressWinsOnTheSamePath() {
        String newer = """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: a-newer}
                spec:
                  ingressClassName: istio
                  rules:
                  - host: shop.com
                    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: newer, port: {number: 80}}}}]}
                """;
        String older = newer.replace("a-newer", "b-older").replace("name: newer", "name: older");
        RouteTable table = ingressTable(apply(older, newer));
        assertEquals("older.default.svc.cluster.local", forwardedHost(table, TestRequest.get("shop.com", "/")));
        List<String> origins = new ArrayList<>();
        table.listener(80).virtualHost("shop.com").routes().forEach(r -> origins.add(r.origin()));
        assertEquals(List.of("default/b-older#rule0.path0", "default/a-newer#rule0.path0"), origins);
    }

    private static Cluster cluster(RouteTable table, TestRequest request) {
        Route r = TestSnapshots.route(table, request);
        assertNotNull(r, request.path());
        return ((RouteAction.Forward) r.action()).pick(0).cluster();
    }

    @Test
    void tlsEntriesServeTheirHostsOnPort443WithTheirSecretAsIstioConvertsThem() {
        ServiceEndpoints shop = service("shop", "web", 80, endpoint("10.0.0.1", 8080));
        RouteTable t = ingressTable(apply("""
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: shop, namespace: web}
                spec:
                  ingressClassName: istio
                  tls:
                  - {hosts: [Secure.Example.com], secretName: secure-cert}
                  - {hosts: [nosecret.example.com]}
                  rules:
                  - host: secure.example.com
                    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}]}
                """), shop);
        Listener https = t.listener(443);
        assertNotNull(https, "port 443 opens for the tls entry");
        assertEquals(List.of(new ServerTls("https-443-ingress-shop-web-0", List.of("secure.example.com"),
                ServerTls.Mode.SIMPLE, "secure-cert", null, null, List.of(), List.of())), https.tls().servers(),
                "an entry without a Secret makes no server");
        assertEquals("shop.web.svc.cluster.local",
                forwardedHost(t, TestRequest.get("secure.example.com", "/orders").port(443)));
        assertEquals("shop.web.svc.cluster.local", forwardedHost(t, TestRequest.get("secure.example.com", "/")),
                "plain HTTP still serves it on port 80");
    }
}
