package io.sluice.e2e;

import static io.sluice.e2e.FlakyBackend.hangUp;
import static io.sluice.e2e.FlakyBackend.ok;
import static io.sluice.e2e.FlakyBackend.slow;
import static io.sluice.e2e.FlakyBackend.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.gateway.GatewayNode;
import io.sluice.model.registry.Locality;
import io.sluice.routing.Cluster;
import io.sluice.routing.NodeIdentity;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Retries, timeouts, faults, load balancing, connection pools and outlier detection against
 * misbehaving backends (slow, 503-ing, closing connections, refusing), each shown by what the client
 * gets and how many requests reached each backend.
 */
class ResilienceEndToEndTest {

    static final Duration SLOW = Duration.ofSeconds(5);
    static SluiceCluster cluster;
    static GatewayNode zoned;

    @BeforeAll
    static void start() {
        cluster = new SluiceCluster("resilience");
        assertEquals(200, cluster.apply("""
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: res}
                spec:
                  selector: {istio: ingressgateway}
                  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
                """).statusCode());
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    /**
     * Routes {@code <svc>.example.com} to service {@code svc} with the given extra fields on the http
     * rule and the given DestinationRule trafficPolicy, and waits (without sending traffic) until the
     * gateway serves it with {@code endpoints} endpoints.
     */
    static void route(String svc, String ruleFields, String trafficPolicy, int endpoints) {
        String yaml = """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: %1$s, namespace: res}
                spec:
                  hosts: [%1$s.example.com]
                  gateways: [gw]
                  http:
                  - route: [{destination: {host: %1$s}}]
                %2$s
                """.formatted(svc, ruleFields.indent(4).stripTrailing());
        if (trafficPolicy != null) {
            yaml += """
                    ---
                    apiVersion: networking.istio.io/v1
                    kind: DestinationRule
                    metadata: {name: %1$s, namespace: res}
                    spec:
                      host: %1$s
                      trafficPolicy:
                    %2$s
                    """.formatted(svc, trafficPolicy.indent(4).stripTrailing());
        }
        HttpResponse<String> res = cluster.apply(yaml);
        assertEquals(200, res.statusCode(), res.body());
        String name = "outbound|80||" + svc + ".res.svc.cluster.local";
        Awaitility.await(name + " with " + endpoints + " endpoints").atMost(Duration.ofSeconds(20))
                .until(() -> {
                    Cluster c = cluster.gateway.routes().current().clusters().get(name);
                    return c != null && c.endpoints().size() == endpoints && cluster.gateway.localPort(80) > 0;
                });
    }

    static HttpResponse<String> get(String svc) {
        return cluster.get(svc + ".example.com", "/");
    }

    static HttpResponse<String> post(String svc, int bodyBytes) {
        return SluiceCluster.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + cluster.gateway.localPort(80) + "/upload"))
                .header("Host", svc + ".example.com")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[bodyBytes])).build());
    }

    @Test
    void retriesA503UntilTheBackendRecovers() throws IOException {
        FlakyBackend b = cluster.flaky(n -> n <= 2 ? status(503) : ok("fine"), "recovers", "res");
        route("recovers", "retries: {attempts: 3, retryOn: 5xx}", null, 1);
        HttpResponse<String> res = get("recovers");
        assertEquals(200, res.statusCode());
        assertEquals("fine", res.body());
        assertEquals(3, b.requests.get(), "two failed tries and the good one");
    }

    @Test
    void givesUpAfterTheLastAttemptWithTheUpstreamsAnswer() throws IOException {
        FlakyBackend b = cluster.flaky(n -> status(503), "down", "res");
        route("down", "retries: {attempts: 2, retryOn: gateway-error}", null, 1);
        HttpResponse<String> res = get("down");
        assertEquals(503, res.statusCode());
        assertEquals("status 503", res.body(), "the upstream's own answer, not a proxy failure");
        assertEquals(3, b.requests.get(), "the first try and two retries");
    }

    @Test
    void neverRetriesABodyTooLargeToReplay() throws IOException {
        FlakyBackend b = cluster.flaky(n -> status(503), "uploads", "res");
        route("uploads", "retries: {attempts: 3, retryOn: 5xx}", null, 1);
        assertEquals(503, post("uploads", 200 * 1024).statusCode());
        assertEquals(1, b.requests.get(), "a streamed 200 KiB body cannot be sent twice");
        assertEquals(503, post("uploads", 1024).statusCode());
        assertEquals(1 + 4, b.requests.get(), "a small body is buffered and retried");
    }

    @Test
    void routeTimeoutAnswers504WithoutWaitingForTheBackend() throws IOException {
        FlakyBackend b = cluster.flaky(n -> slow(SLOW, "late"), "sluggish", "res");
        route("sluggish", "timeout: 300ms", null, 1);
        long start = System.nanoTime();
        HttpResponse<String> res = get("sluggish");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(504, res.statusCode());
        assertEquals("upstream request timeout", res.body());
        assertTrue(millis >= 300 && millis < 4_000, "answered after " + millis + " ms");
        assertEquals(1, b.requests.get(), "the route's timeout is not retried");
    }

    @Test
    void perTryTimeoutRetriesOnAFreshTry() throws IOException {
        FlakyBackend b = cluster.flaky(n -> n == 1 ? slow(SLOW, "late") : ok("quick"), "hiccup", "res");
        route("hiccup", "retries: {attempts: 2, perTryTimeout: 300ms, retryOn: 5xx}", null, 1);
        long start = System.nanoTime();
        HttpResponse<String> res = get("hiccup");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, res.statusCode());
        assertEquals("quick", res.body());
        assertTrue(millis < 4_000, "answered after " + millis + " ms");
        assertEquals(2, b.requests.get());
    }

    @Test
    void connectFailuresAreRetriedOnAnotherEndpointByDefault() throws IOException {
        TestBackend.register(cluster.registryUrl(), FlakyBackend.refusingPort(), "halfdown", "res");
        FlakyBackend b = cluster.flaky(n -> ok("up"), "halfdown", "res");
        route("halfdown", "", null, 2);
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> res = get("halfdown");
            assertEquals(200, res.statusCode(), "Istio's default retries connect-failure");
        }
        assertEquals(20, b.requests.get());
    }

    @Test
    void refusedConnectionsEverywhereAre503UF() throws IOException {
        TestBackend.register(cluster.registryUrl(), FlakyBackend.refusingPort(), "refusing", "res");
        route("refusing", "", null, 1);
        HttpResponse<String> res = get("refusing");
        assertEquals(503, res.statusCode());
        assertEquals("upstream connect error or disconnect/reset before headers. reset reason: connection failure",
                res.body());
    }

    @Test
    void aClosedConnectionIsRetriedOnlyWhenResetIsListed() throws IOException {
        FlakyBackend plain = cluster.flaky(n -> n == 1 ? hangUp() : ok("again"), "hangup", "res");
        route("hangup", "", null, 1);
        HttpResponse<String> first = get("hangup");
        assertEquals(503, first.statusCode(), "Istio's default does not retry a reset");
        assertTrue(first.body().endsWith("reset reason: connection termination"), first.body());
        assertEquals(1, plain.requests.get());

        FlakyBackend retried = cluster.flaky(n -> n == 1 ? hangUp() : ok("again"), "hangupretry", "res");
        route("hangupretry", "retries: {attempts: 1, retryOn: reset}", null, 1);
        HttpResponse<String> res = get("hangupretry");
        assertEquals(200, res.statusCode());
        assertEquals(2, retried.requests.get());
    }

    @Test
    void outlierDetectionEjectsAFailingEndpoint() throws IOException {
        FlakyBackend bad = cluster.flaky(n -> status(503), "mixed", "res");
        FlakyBackend good = cluster.flaky(n -> ok("good"), "mixed", "res");
        route("mixed", "retries: {attempts: 0}", """
                outlierDetection: {consecutive5xxErrors: 2, interval: 1s, baseEjectionTime: 30s, maxEjectionPercent: 100}
                """, 2);
        int ok = 0;
        for (int i = 0; i < 20; i++) {
            ok += get("mixed").statusCode() == 200 ? 1 : 0;
        }
        assertEquals(2, bad.requests.get(), "ejected after two 5xx in a row");
        assertEquals(18, good.requests.get());
        assertEquals(18, ok);
    }

    /**
     * Istio's locality failover: a node in zone eu-west-1a sends everything to the endpoint beside it
     * while it answers, then, once outlier detection ejects it, to the one elsewhere in its region, and
     * never to the one in another region while that one is there.
     */
    @Test
    void aNodeSendsToItsOwnZoneAndFailsOverWithinItsRegionFirst() throws IOException {
        GatewayNode zoned = zonedNode();
        FlakyBackend near = cluster.flaky(n -> n <= 5 ? ok("near") : status(503), "zoned", "res",
                Locality.REGION, "eu-west", Locality.ZONE, "eu-west-1a");
        FlakyBackend region = cluster.flaky(n -> ok("region"), "zoned", "res",
                Locality.REGION, "eu-west", Locality.ZONE, "eu-west-1b");
        FlakyBackend far = cluster.flaky(n -> ok("far"), "zoned", "res", Locality.REGION, "us-east");
        route("zoned", "retries: {attempts: 0}",
                "outlierDetection: {consecutive5xxErrors: 1, baseEjectionTime: 30s, maxEjectionPercent: 100}", 3);
        List<String> answers = viaZonedNode("zoned", 3, 20);
        assertEquals(Collections.nCopies(5, "near"), answers.subList(0, 5));
        assertEquals("status 503", answers.get(5), "the sixth request ejects the near endpoint");
        assertEquals(Collections.nCopies(14, "region"), answers.subList(6, 20));
        assertEquals(0, far.requests.get());
        assertEquals(6, near.requests.get());
        assertEquals(14, region.requests.get());
    }

    /** Istio's distribute: the node's traffic split 80/20 over two zones, none to a third locality. */
    @Test
    void aDistributionSplitsTheNodesTrafficOverZonesByWeight() throws IOException {
        FlakyBackend a = cluster.flaky(n -> ok("a"), "split", "res", Locality.REGION, "eu-west",
                Locality.ZONE, "eu-west-1a");
        FlakyBackend b = cluster.flaky(n -> ok("b"), "split", "res", Locality.REGION, "eu-west",
                Locality.ZONE, "eu-west-1b");
        FlakyBackend c = cluster.flaky(n -> ok("c"), "split", "res", Locality.REGION, "us-east");
        route("split", "retries: {attempts: 0}", """
                loadBalancer:
                  localityLbSetting:
                    distribute: [{from: "eu-west/eu-west-1a/*", to: {"eu-west/eu-west-1a/*": 80, "eu-west/eu-west-1b/*": 20}}]
                """, 3);
        viaZonedNode("split", 2, 20);
        assertEquals(16, a.requests.get(), "round robin gives the weights exactly: 16 of 20");
        assertEquals(4, b.requests.get());
        assertEquals(0, c.requests.get());
    }

    /** A second ingress node, in zone eu-west-1a of region eu-west, started for the first test that needs it. */
    static synchronized GatewayNode zonedNode() {
        if (zoned == null) {
            zoned = cluster.startNode(NodeIdentity.ingress("ingress-eu-west-1a")
                    .withLabel(Locality.REGION, "eu-west").withLabel(Locality.ZONE, "eu-west-1a"), p -> 0);
        }
        return zoned;
    }

    /** Once the zoned node serves {@code svc} with that many endpoints, the bodies of {@code n} requests through it. */
    static List<String> viaZonedNode(String svc, int endpoints, int n) {
        GatewayNode node = zonedNode();
        String name = "outbound|80||" + svc + ".res.svc.cluster.local";
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            Cluster c = node.routes().current().clusters().get(name);
            return c != null && c.endpoints().size() == endpoints && node.localPort(80) > 0;
        });
        List<String> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            answers.add(SluiceCluster.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.localPort(80) + "/"))
                    .header("Host", svc + ".example.com").build()).body());
        }
        return answers;
    }

    @Test
    void withEveryEndpointEjectedThereIsNoHealthyUpstream() throws IOException {
        FlakyBackend bad = cluster.flaky(n -> status(500), "lonely", "res");
        route("lonely", "retries: {attempts: 0}", "outlierDetection: {consecutive5xxErrors: 1, baseEjectionTime: 30s}", 1);
        assertEquals("status 500", get("lonely").body());
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> res = get("lonely");
            assertEquals(503, res.statusCode());
            assertEquals("no healthy upstream", res.body());
        }
        assertEquals(1, bad.requests.get(), "10% maxEjectionPercent still ejects one host, as Envoy does");
    }

    @Test
    void aClusterWithoutRetryBudgetIsNotRetried() throws IOException {
        FlakyBackend b = cluster.flaky(n -> n == 1 ? status(503) : ok("fine"), "nobudget", "res");
        route("nobudget", "retries: {attempts: 3, retryOn: 5xx}", "connectionPool: {http: {maxRetries: 0}}", 1);
        assertEquals(503, get("nobudget").statusCode());
        assertEquals(1, b.requests.get(), "maxRetries 0 leaves no retry outstanding to the cluster");
    }

    @Test
    void belowMinHealthPercentAnEjectedEndpointStillServes() throws IOException {
        FlakyBackend b = cluster.flaky(n -> n == 1 ? status(500) : ok("back"), "panic", "res");
        route("panic", "retries: {attempts: 0}",
                "outlierDetection: {consecutive5xxErrors: 1, baseEjectionTime: 30s, minHealthPercent: 50}", 1);
        assertEquals("status 500", get("panic").body());
        HttpResponse<String> res = get("panic");
        assertEquals(200, res.statusCode(), "no host left of the 50 % asked for: the ejection is ignored");
        assertEquals("back", res.body());
        assertEquals(2, b.requests.get());
    }

    @Test
    void poolOverflowIsRefusedWith503UO() throws Exception {
        FlakyBackend b = cluster.flaky(n -> slow(Duration.ofSeconds(1), "served"), "narrow", "res");
        route("narrow", "retries: {attempts: 0}",
                "connectionPool: {tcp: {maxConnections: 1}, http: {http1MaxPendingRequests: 1}}", 1);
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(SluiceCluster.HTTP.sendAsync(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + cluster.gateway.localPort(80) + "/"))
                    .header("Host", "narrow.example.com").build(), HttpResponse.BodyHandlers.ofString()));
        }
        Map<Integer, Integer> statuses = new TreeMap<>();
        for (var c : calls) {
            HttpResponse<String> res = c.get();
            statuses.merge(res.statusCode(), 1, Integer::sum);
            if (res.statusCode() == 503) {
                assertTrue(res.body().endsWith("reset reason: overflow"), res.body());
            }
        }
        assertEquals(Map.of(200, 2, 503, 3), statuses, "one in flight, one pending, the rest overflow");
        assertEquals(2, b.requests.get());
    }

    @Test
    void aGrpcAbortAnswersAsGrpcDoes() throws IOException {
        FlakyBackend aborted = cluster.flaky(n -> ok("unreached"), "grpcfault", "res");
        route("grpcfault", "fault: {abort: {grpcStatus: UNAVAILABLE, percentage: {value: 100}}}", null, 1);
        HttpResponse<String> res = get("grpcfault");
        assertEquals(200, res.statusCode());
        assertEquals("14", res.headers().firstValue("grpc-status").orElse(""));
        assertEquals("application/grpc", res.headers().firstValue("content-type").orElse(""));
        assertEquals(0, aborted.requests.get());
    }

    @Test
    void faultAbortNeverReachesTheBackendAndDelayHoldsTheRequest() throws IOException {
        FlakyBackend aborted = cluster.flaky(n -> ok("unreached"), "teapot", "res");
        route("teapot", "fault: {abort: {httpStatus: 418, percentage: {value: 100}}}", null, 1);
        HttpResponse<String> res = get("teapot");
        assertEquals(418, res.statusCode());
        assertEquals("fault filter abort", res.body());
        assertEquals(0, aborted.requests.get());

        FlakyBackend delayed = cluster.flaky(n -> ok("eventually"), "molasses", "res");
        route("molasses", "fault: {delay: {fixedDelay: 400ms, percentage: {value: 100}}}", null, 1);
        long start = System.nanoTime();
        assertEquals("eventually", get("molasses").body());
        assertTrue((System.nanoTime() - start) / 1_000_000 >= 400);
        assertEquals(1, delayed.requests.get());
    }

    @Test
    void consistentHashKeepsAUserOnOneEndpoint() throws IOException {
        FlakyBackend a = cluster.flaky(n -> ok("a"), "sticky", "res");
        FlakyBackend b = cluster.flaky(n -> ok("b"), "sticky", "res");
        route("sticky", "", "loadBalancer: {consistentHash: {httpHeaderName: x-user}}", 2);
        for (String user : List.of("alice", "bob", "carol", "dave")) {
            int before = a.requests.get();
            for (int i = 0; i < 10; i++) {
                assertEquals(200, SluiceCluster.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + cluster.gateway.localPort(80) + "/"))
                        .header("Host", "sticky.example.com").header("x-user", user).build()).statusCode());
            }
            int toA = a.requests.get() - before;
            assertTrue(toA == 0 || toA == 10, user + " went " + toA + " times to a");
        }
        assertEquals(40, a.requests.get() + b.requests.get());
    }

    @Test
    void aCookieHashGivesANewClientItsCookieAndKeepsItOnOneEndpoint() throws IOException {
        FlakyBackend a = cluster.flaky(n -> ok("a"), "session", "res");
        FlakyBackend b = cluster.flaky(n -> ok("b"), "session", "res");
        route("session", "", "loadBalancer: {consistentHash: {httpCookie: {name: sid, ttl: 60s, path: /}}}", 2);
        for (int client = 0; client < 4; client++) {
            HttpResponse<String> first = get("session");
            String setCookie = first.headers().firstValue("set-cookie").orElseThrow();
            assertTrue(setCookie.matches("sid=\"[0-9a-f]+\"; Max-Age=60; Path=/; HttpOnly"), setCookie);
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));
            for (int i = 0; i < 5; i++) {
                HttpResponse<String> next = SluiceCluster.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + cluster.gateway.localPort(80) + "/"))
                        .header("Host", "session.example.com").header("Cookie", cookie).build());
                assertEquals(first.body(), next.body(), "client " + client + " moved with " + cookie);
                assertTrue(next.headers().firstValue("set-cookie").isEmpty(), "a client with the cookie gets none");
            }
        }
        assertEquals(24, a.requests.get() + b.requests.get());
    }

    @Test
    void roundRobinTakesEndpointsInTurn() throws IOException {
        FlakyBackend a = cluster.flaky(n -> ok("a"), "turns", "res");
        FlakyBackend b = cluster.flaky(n -> ok("b"), "turns", "res");
        route("turns", "", null, 2);
        for (int i = 0; i < 10; i++) {
            assertEquals(200, get("turns").statusCode());
        }
        assertEquals(5, a.requests.get());
        assertEquals(5, b.requests.get());
    }
}
