package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.model.Json;
import io.sluice.model.net.ResolveOverrides;
import io.sluice.registry.RegistryOptions;
import io.sluice.testing.TestDirectories;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Workloads, subsets, TTL, health checks, ServiceEntries and name resolution through config-service,
 * registry-service, Kafka and a gateway node, on real sockets. Each test uses its own services.
 */
class RegistryEndToEndTest {

    static final Duration TTL = Duration.ofSeconds(3);
    static final String MESH = """
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: shop-gateway, namespace: shop}
            spec:
              selector: {istio: ingressgateway}
              servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
            """;

    static SluiceCluster cluster;
    static Path resolveFile;
    static TestBackend httpbinA;
    static TestBackend httpbinB;
    static TestBackend none;

    @BeforeAll
    static void start() throws IOException {
        httpbinA = TestBackend.start("httpbin-a");
        httpbinB = TestBackend.start("httpbin-b");
        none = TestBackend.start("none");
        resolveFile = TestDirectories.file("resolve", ".txt");
        writeResolveFile(httpbinA);
        RegistryOptions options = RegistryOptions.defaults().withTtl(TTL)
                .withDnsRefresh(Duration.ofMillis(300)).withHealthInterval(Duration.ofMillis(300))
                .withResolveFile(resolveFile);
        cluster = new SluiceCluster("registry-e2e", options, ResolveOverrides.load(resolveFile));
        apply(MESH);
    }

    static void writeResolveFile(TestBackend httpbin) throws IOException {
        Files.writeString(resolveFile, """
                # made-up names for the ServiceEntries below
                httpbin.test:80 127.0.0.1:%d
                none.test:80    127.0.0.1:%d
                """.formatted(httpbin.port(), none.port()));
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
        httpbinA.close();
        httpbinB.close();
        none.close();
        Files.deleteIfExists(resolveFile);
    }

    static void apply(String yaml) {
        HttpResponse<String> res = cluster.apply(yaml);
        assertEquals(200, res.statusCode(), res.body());
    }

    /** A VirtualService in {@code ns} for {@code host} on the shop gateway, one rule per prefix → destination. */
    static String route(String ns, String name, String host, String... prefixAndDestination) {
        StringBuilder http = new StringBuilder();
        for (int i = 0; i < prefixAndDestination.length; i += 2) {
            http.append("  - match: [{uri: {prefix: ").append(prefixAndDestination[i]).append("}}]\n")
                    .append("    route: [{destination: ").append(prefixAndDestination[i + 1]).append("}]\n");
        }
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: %s, namespace: %s}
                spec:
                  hosts: [%s]
                  gateways: [shop/shop-gateway]
                  http:
                %s""".formatted(name, ns, host, http);
    }

    static String service(String name, String annotations) {
        return """
                apiVersion: v1
                kind: Service
                metadata: {name: %s, namespace: shop, annotations: {%s}}
                spec:
                  selector: {app: %s}
                  ports: [{name: http, port: 80}]
                """.formatted(name, annotations, name);
    }

    static boolean gatewayRoutesTo(TestBackend b) {
        String dump = cluster.gateway.routes().current().dump();
        String a = "127.0.0.1:" + b.port();
        return dump.contains(a + ",") || dump.contains(a + "]");
    }

    static HttpResponse<String> get(String host, String path) {
        return cluster.get(host, path);
    }

    @Test
    void subsetsResolveToTheWorkloadsWithTheirLabelsAndTrafficFollows() {
        TestBackend v1 = cluster.backend("v1", "reviews", "shop", "app", "reviews", "version", "v1");
        TestBackend v2a = cluster.backend("v2", "reviews", "shop", "app", "reviews", "version", "v2");
        TestBackend v2b = cluster.backend("v2", "reviews", "shop", "app", "reviews", "version", "v2");
        apply(service("reviews", "") + """
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews, namespace: shop}
                spec:
                  host: reviews
                  subsets:
                  - {name: v1, labels: {version: v1}}
                  - {name: v2, labels: {version: v2}}
                ---
                """ + route("shop", "reviews", "reviews.example.com",
                "/v1", "{host: reviews, subset: v1}", "/v2", "{host: reviews, subset: v2}"));
        Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> gatewayRoutesTo(v1) && gatewayRoutesTo(v2a) && gatewayRoutesTo(v2b)
                        && get("reviews.example.com", "/v1").statusCode() == 200);
        v1.requests.set(0);
        for (int i = 0; i < 100; i++) {
            assertEquals("v1", get("reviews.example.com", "/v1").body());
            assertEquals("v2", get("reviews.example.com", "/v2").body());
        }
        assertEquals(100, v1.requests.get());
        assertTrue(v2a.requests.get() > 20 && v2b.requests.get() > 20, v2a.requests + " / " + v2b.requests);
        assertEquals(100, v2a.requests.get() + v2b.requests.get());

        // one v2 workload stops heartbeating: it leaves within the TTL and gets nothing afterwards
        v2b.stopHeartbeats();
        long silentSince = System.nanoTime();
        Awaitility.await().atMost(TTL.plusSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> !gatewayRoutesTo(v2b));
        Duration gone = Duration.ofNanos(System.nanoTime() - silentSince);
        // the TTL, a sweep period (TTL/20) and propagation through two topics
        assertTrue(gone.compareTo(TTL.plusSeconds(1)) < 0, "left after " + gone);
        int before = v2b.requests.get();
        for (int i = 0; i < 50; i++) {
            assertEquals("v2", get("reviews.example.com", "/v2").body());
        }
        assertEquals(before, v2b.requests.get());
        assertTrue(gatewayRoutesTo(v2a) && gatewayRoutesTo(v1), "the others stay");
    }

    @Test
    void namesResolveRelativeToTheNamespaceOfTheResourceThatNamesThem() {
        cluster.backend("names", "names", "shop", "app", "names");
        apply(service("names", "") + "---\n" + route("front", "names-from-front", "names.example.com",
                "/fqdn", "{host: names.shop.svc.cluster.local}",
                "/dotted", "{host: names.shop}",
                "/short", "{host: names}"));
        Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> get("names.example.com", "/fqdn").statusCode() == 200);
        assertEquals("names", get("names.example.com", "/fqdn").body());
        assertEquals("names", get("names.example.com", "/dotted").body());
        // "names" from namespace front means names.front.svc.cluster.local, which has no endpoints
        assertEquals(503, get("names.example.com", "/short").statusCode());
        apply(route("shop", "names-from-shop", "names-shop.example.com", "/", "{host: names}"));
        Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> "names".equals(get("names-shop.example.com", "/").body()));
    }

    @Test
    void anUnhealthyEndpointLeavesTheSetAndComesBackWhenHealthy() {
        TestBackend a = cluster.backend("a", "ratings", "shop", "app", "ratings");
        TestBackend b = cluster.backend("b", "ratings", "shop", "app", "ratings");
        apply(service("ratings", "sluice.io/health-path: /healthz") + "---\n"
                + route("shop", "ratings", "ratings.example.com", "/", "{host: ratings}"));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> gatewayRoutesTo(a) && gatewayRoutesTo(b));
        b.healthy = false;
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !gatewayRoutesTo(b));
        assertTrue(published("ratings.shop.svc.cluster.local").toString().contains("\"healthy\":false"));
        int before = b.requests.get();
        for (int i = 0; i < 30; i++) {
            assertEquals("a", get("ratings.example.com", "/").body());
        }
        assertEquals(before, b.requests.get());
        b.healthy = true;
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> gatewayRoutesTo(b));
    }

    static String serviceEntry(String host, String resolution, String endpoints) {
        return """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: %s, namespace: shop}
                spec:
                  hosts: [%s]
                  location: MESH_EXTERNAL
                  resolution: %s
                  ports: [{number: 80, name: http, protocol: HTTP}]
                %s""".formatted(host.replace('.', '-'), host, resolution, endpoints);
    }

    @Test
    void staticServiceEntryRoutesToItsEndpoints() {
        TestBackend b = TestBackend.start("static");
        try (b) {
            apply(serviceEntry("static.test", "STATIC",
                    "  endpoints: [{address: 127.0.0.1, ports: {http: %d}}]\n".formatted(b.port()))
                    + "---\n" + route("shop", "static", "static.example.com", "/", "{host: static.test}"));
            Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> "static".equals(get("static.example.com", "/").body()));
        }
    }

    @Test
    void dnsServiceEntryIsResolvedThroughTheOverrideFileAndReResolved() throws IOException {
        apply(serviceEntry("httpbin.test", "DNS", "") + "---\n"
                + route("shop", "httpbin", "httpbin.example.com", "/", "{host: httpbin.test}"));
        Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> "httpbin-a".equals(get("httpbin.example.com", "/get").body()));
        // the registry publishes the address, so the gateway does not resolve on the request path
        JsonNode endpoint = published("httpbin.test").path("endpoints").get(0);
        assertEquals("127.0.0.1", endpoint.path("address").asText());
        assertEquals(httpbinA.port(), endpoint.path("ports").path("80").asInt());

        writeResolveFile(httpbinB);
        Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> "httpbin-b".equals(get("httpbin.example.com", "/get").body()));
    }

    @Test
    void noneResolutionConnectsToTheRequestedHostThroughTheGatewaysOverrides() {
        apply(serviceEntry("none.test", "NONE", "") + "---\n"
                + route("shop", "none", "none.example.com", "/", "{host: none.test}"));
        Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> "none".equals(get("none.example.com", "/").body()));
        assertEquals("none.test", published("none.test").path("endpoints").get(0).path("address").asText());
    }

    static JsonNode published(String host) {
        HttpResponse<String> res = SluiceCluster.send(HttpRequest.newBuilder(
                URI.create(cluster.registryUrl() + "/v1/services")).GET().build());
        assertEquals(200, res.statusCode());
        try {
            for (JsonNode s : Json.MAPPER.readTree(res.body())) {
                if (s.path("host").asText().equals(host)) {
                    return s;
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError(host + " is not published: " + res.body());
    }
}
