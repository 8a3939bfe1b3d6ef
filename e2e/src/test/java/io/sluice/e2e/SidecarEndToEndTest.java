package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.gateway.GatewayNode;
import io.sluice.routing.NodeIdentity;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An Istio Sidecar applied through config-service and enforced by a workload's outbound proxy (its
 * namespace and labels given as for its sidecar): it sees only the hosts the Sidecar imports, follows
 * the Sidecar's outbound policy for the rest, and another workload of the namespace is untouched.
 */
class SidecarEndToEndTest {

    static final String REVIEWS = "http://reviews.shop.svc.cluster.local/";
    static final String RATINGS = "http://ratings.other.svc.cluster.local/";

    static SluiceCluster cluster;
    static GatewayNode frontend;
    static GatewayNode backend;

    @BeforeAll
    static void start() {
        cluster = new SluiceCluster("sidecar");
        cluster.backend("reviews v1", "reviews", "shop");
        cluster.backend("ratings v1", "ratings", "other");
        frontend = cluster.startNode(NodeIdentity.meshProxy("frontend").inNamespace("shop")
                .withLabel("app", "frontend"), p -> 0);
        backend = cluster.startNode(NodeIdentity.meshProxy("backend").inNamespace("shop")
                .withLabel("app", "backend"), p -> 0);
        Awaitility.await("both services reachable before any Sidecar").atMost(Duration.ofSeconds(30))
                .ignoreExceptions().until(() -> get(frontend, RATINGS).statusCode() == 200
                        && get(frontend, REVIEWS).statusCode() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    @Test
    void aSidecarScopesItsWorkloadsOutboundTrafficAndChangesWithoutARestart() {
        applyFrontendSidecar("\"istio-system/*\"");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> get(frontend, RATINGS).statusCode() == 502);
        assertTrue(frontend.traffic().get("BlackHoleCluster") >= 1, frontend.traffic().snapshot().toString());
        HttpResponse<String> reviews = get(frontend, REVIEWS);
        assertEquals(200, reviews.statusCode());
        assertEquals("reviews v1", reviews.body());
        assertEquals(200, get(backend, RATINGS).statusCode(), "the Sidecar selects app=frontend only");

        applyFrontendSidecar("other/ratings.other.svc.cluster.local");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> get(frontend, RATINGS).statusCode() == 200);
        assertEquals("ratings v1", get(frontend, RATINGS).body());
    }

    /** REGISTRY_ONLY for app=frontend in shop, which sees its own namespace and one more host pattern. */
    private static void applyFrontendSidecar(String alsoImported) {
        cluster.applyOk("""
                apiVersion: networking.istio.io/v1
                kind: Sidecar
                metadata: {name: frontend, namespace: shop}
                spec:
                  workloadSelector: {labels: {app: frontend}}
                  egress: [{hosts: ["./*", %s]}]
                  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
                """.formatted(alsoImported));
    }

    private static HttpResponse<String> get(GatewayNode mesh, String url) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", mesh.meshPort()))).build();
        try (client) {
            return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
