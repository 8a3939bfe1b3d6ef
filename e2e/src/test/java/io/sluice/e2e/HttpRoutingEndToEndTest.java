package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.BookFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP routing surface through the real gateway with real backends: the book's Ingresses,
 * redirect, rewrite, direct responses, forwarded headers, CORS, path normalisation against a real
 * client that sends paths as-is (curl --path-as-is), and h2c clients.
 */
class HttpRoutingEndToEndTest {

    static SluiceCluster cluster;
    static TestBackend mockshop;
    static TestBackend sockshop;
    static TestBackend api;

    @BeforeAll
    static void start() {
        cluster = new SluiceCluster("routing");
        mockshop = cluster.backend(CanaryEndToEndTest.V1, "envoydummy", "chapter4", "version", "v1");
        sockshop = cluster.backend("<html>sock shop</html>", "front-end", "sock-shop", "name", "front-end");
        api = cluster.backend("api", "api", "routing");
        for (String f : List.of("01-envoy-proxy.yaml", "ClusterIp-front-end-svc.yaml", "1-istio-ingress.yaml",
                "2-istio-ingress.yaml")) {
            cluster.applyOk(BookFiles.read(f));
        }
        cluster.applyOk("""
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: routing-gw, namespace: routing}
                spec:
                  selector: {istio: ingressgateway}
                  servers:
                  - port: {number: 80, name: http, protocol: HTTP}
                    hosts: ["routing.example.com"]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: routing, namespace: routing}
                spec:
                  hosts: ["routing.example.com"]
                  gateways: [routing-gw]
                  http:
                  - match: [{uri: {prefix: /old}}]
                    redirect: {uri: /new, redirectCode: 301}
                  - match: [{uri: {exact: /static}}]
                    directResponse: {status: 200, body: {string: "static answer"}}
                  - match: [{uri: {prefix: /api/}}]
                    rewrite: {uri: /v2/}
                    headers: {request: {set: {x-route: api}}, response: {add: {x-served-by: sluice}}}
                    route: [{destination: {host: api}}]
                  - match: [{uri: {prefix: /public}}]
                    route: [{destination: {host: api}}]
                  - match: [{uri: {prefix: /cors}}]
                    corsPolicy:
                      allowOrigins: [{exact: "https://shop.example.com"}, {regex: "https://[a-z]+[.]example[.]org"}]
                      allowMethods: [GET, POST]
                      allowHeaders: [content-type, x-user]
                      exposeHeaders: [x-served-by]
                      maxAge: 1h
                      allowCredentials: true
                    route: [{destination: {host: api}}]
                  - match: [{uri: {prefix: /team/}}]
                    delegate: {name: team-routes}
                  - match: [{uri: {prefix: /closed}}]
                    corsPolicy: {allowOrigins: [{exact: "https://shop.example.com"}], unmatchedPreflights: IGNORE}
                    fault: {abort: {httpStatus: 503, percentage: {value: 100}}}
                    route: [{destination: {host: api}}]
                  - directResponse: {status: 403, body: {string: denied}}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: team-routes, namespace: routing}
                spec:
                  http:
                  - match: [{uri: {prefix: /team/api/}}]
                    rewrite: {uri: /v3/}
                    route: [{destination: {host: api}}]
                """);
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> cluster.get("routing.example.com", "/static").statusCode() == 200
                        && cluster.get("mockshop.com", "/").statusCode() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    @Test
    void bookIngressesRouteByHostAndUnknownHostsGet404() {
        HttpResponse<String> mock = cluster.get("mockshop.com", "/any/path");
        assertEquals(200, mock.statusCode());
        assertEquals(CanaryEndToEndTest.V1, mock.body());
        HttpResponse<String> sock = cluster.get("sockshop.com", "/");
        assertEquals(200, sock.statusCode());
        assertEquals("<html>sock shop</html>", sock.body());
        HttpResponse<String> unknown = cluster.get("unknown.com", "/");
        assertEquals(404, unknown.statusCode());
        assertEquals("", unknown.body());
    }

    @Test
    void redirectDirectResponseAndRewriteAnswerAsIstioDoes() {
        HttpResponse<String> redirect = cluster.get("routing.example.com", "/old/page?q=1");
        assertEquals(301, redirect.statusCode());
        assertEquals("http://routing.example.com/new?q=1", redirect.headers().firstValue("location").orElse(""));

        HttpResponse<String> direct = cluster.get("routing.example.com", "/static");
        assertEquals("static answer", direct.body());

        int before = api.seen.size();
        HttpResponse<String> rewritten = cluster.get("ROUTING.example.com:80", "/api/items");
        assertEquals(200, rewritten.statusCode());
        assertEquals("sluice", rewritten.headers().firstValue("x-served-by").orElse(""));
        TestBackend.Seen seen = api.seen.get(before);
        assertEquals("/v2/items", seen.path());
        assertEquals("127.0.0.1", seen.forwardedFor());
    }

    @Test
    void aDelegatedPathIsRoutedByTheDelegatesRulesWithinTheRoots() {
        int before = api.seen.size();
        assertEquals(200, cluster.get("routing.example.com", "/team/api/orders").statusCode());
        assertEquals("/v3/orders", api.seen.get(before).path());
        assertEquals(403, cluster.get("routing.example.com", "/team/other").statusCode(),
                "no delegate rule takes it: the root's catch-all answers");
    }

    /** Bypasses of Envoy's CVE-2019-9901 / CVE-2021-31920 kind: every one must land on the 403 rule. */
    @ParameterizedTest
    @ValueSource(strings = {"/public/../admin", "/public/%2e%2e/admin", "/public/./../admin", "//admin",
            "/public/..%2fadmin", "/admin#/public"})
    void pathTricksCannotReachBeyondThePublicPrefix(String path) throws Exception {
        Process curl = new ProcessBuilder("curl", "-s", "--path-as-is", "-o", "/dev/null", "-w", "%{http_code}",
                "-H", "Host: routing.example.com", "http://127.0.0.1:" + cluster.gateway.localPort(80) + path)
                .redirectErrorStream(true).start();
        assertTrue(curl.waitFor(20, TimeUnit.SECONDS), "curl did not finish");
        String status = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String expected = path.equals("/public/..%2fadmin") ? "200" : "403";
        assertEquals(expected, status, path);
    }

    /**
     * curl speaking HTTP/2 without TLS by prior knowledge is routed and rewritten as HTTP/1.1 is; one
     * asking for an h2c upgrade stays on HTTP/1.1.
     */
    @ParameterizedTest
    @ValueSource(strings = {"--http2-prior-knowledge", "--http2"})
    void h2cClientsAreRoutedLikeHttp11Ones(String mode) {
        int before = api.seen.size();
        long counted = requestsCounted();
        Tools.Result r = Tools.run(List.of("curl", "-s", mode, "-o", "/dev/null", "-D", "-",
                "-w", "version %{http_version}", "-H", "Host: routing.example.com",
                "http://127.0.0.1:" + cluster.gateway.localPort(80) + "/api/h2"), 20).requireExit(0);
        assertTrue(r.stdout().contains(mode.equals("--http2") ? "version 1.1" : "version 2"), r.stdout());
        assertTrue(r.stdout().contains("x-served-by: sluice"), r.stdout());
        assertEquals("/v2/h2", api.seen.get(before).path());
        // curl closes the connection as soon as it has the answer: the request is still counted
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> requestsCounted() == counted + 1);
    }

    /** The gateway's istio_requests_total over all series. */
    private static long requestsCounted() {
        HttpResponse<String> res = SluiceCluster.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + cluster.gateway.statusPort() + "/stats/prometheus")).build());
        return ObservabilityEndToEndTest.SERIES.matcher(res.body()).results()
                .mapToLong(m -> Long.parseLong(m.group(2))).sum();
    }

    /**
     * RFC 9112 §3.2: an HTTP/1.1 request with no Host, two, or an invalid one gets 400, whatever the
     * routes. Raw requests over a socket: no HTTP client sends these.
     */
    @ParameterizedTest
    @ValueSource(strings = {"", "Host: routing.example.com\r\nHost: mockshop.com\r\n", "Host: bad host\r\n"})
    void requestsWithoutOneValidHostHeaderAreRefused(String hostLines) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", cluster.gateway.localPort(80))) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /static HTTP/1.1\r\n" + hostLines + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            String status = in.readLine();
            assertTrue(status.startsWith("HTTP/1.1 400"), status);
        }
    }

    @Test
    void publicPrefixStillReachesTheBackend() throws IOException {
        assertEquals(200, cluster.get("routing.example.com", "/public/index.html").statusCode());
    }

    @Test
    void corsPreflightFromAnAllowedOriginIsAnsweredByTheGatewayAndNotForwarded() {
        int before = api.seen.size();
        String head = curlHead("/cors/items", "-X", "OPTIONS", "-H", "Origin: https://shop.example.com",
                "-H", "Access-Control-Request-Method: POST", "-H", "Access-Control-Request-Headers: content-type");
        assertTrue(head.startsWith("http/1.1 200"), head);
        assertTrue(head.contains("access-control-allow-origin: https://shop.example.com\r\n"), head);
        assertTrue(head.contains("access-control-allow-methods: get,post\r\n"), head);
        assertTrue(head.contains("access-control-allow-headers: content-type,x-user\r\n"), head);
        assertTrue(head.contains("access-control-max-age: 3600\r\n"), head);
        assertTrue(head.contains("access-control-allow-credentials: true\r\n"), head);
        assertEquals(before, api.seen.size(), "the preflight reached the upstream");
    }

    @Test
    void corsPreflightFromAnotherOriginIsForwardedWithoutCorsHeadersAsIstioDoesByDefault() {
        int before = api.seen.size();
        String head = curlHead("/cors/items", "-X", "OPTIONS", "-H", "Origin: https://shop.example.com.evil.net",
                "-H", "Access-Control-Request-Method: POST");
        assertTrue(head.startsWith("http/1.1 200"), head);
        assertFalse(head.contains("access-control-allow-origin"), head);
        assertEquals("OPTIONS", api.seen.get(before).method());
    }

    @Test
    void answersToAnAllowedOriginNameItAndExposeTheConfiguredHeaders() {
        String allowed = curlHead("/cors/items", "-H", "Origin: https://app.example.org");
        assertTrue(allowed.startsWith("http/1.1 200"), allowed);
        assertTrue(allowed.contains("access-control-allow-origin: https://app.example.org\r\n"), allowed);
        assertTrue(allowed.contains("access-control-expose-headers: x-served-by\r\n"), allowed);
        assertTrue(allowed.contains("access-control-allow-credentials: true\r\n"), allowed);
        for (List<String> other : List.of(List.of("-H", "Origin: https://app.example.org.evil.net"), List.<String>of())) {
            String head = curlHead("/cors/items", other.toArray(String[]::new));
            assertTrue(head.startsWith("http/1.1 200"), head);
            assertFalse(head.contains("access-control-"), head);
        }
    }

    @Test
    void withUnmatchedPreflightsIgnoredAnotherOriginsPreflightIsAnsweredWithoutCorsHeaders() {
        int before = api.seen.size();
        String head = curlHead("/closed", "-X", "OPTIONS", "-H", "Origin: https://elsewhere.example.com",
                "-H", "Access-Control-Request-Method: GET");
        assertTrue(head.startsWith("http/1.1 200"), head);
        assertFalse(head.contains("access-control-allow-origin"), head);
        assertEquals(before, api.seen.size(), "the preflight reached the upstream");
    }

    @Test
    void theGatewaysOwnAnswersToAnAllowedOriginNameItToo() {
        String head = curlHead("/closed", "-H", "Origin: https://shop.example.com");
        assertTrue(head.startsWith("http/1.1 503"), head);
        assertTrue(head.contains("access-control-allow-origin: https://shop.example.com\r\n"), head);
    }

    /** The response head of curl's request to a path on routing.example.com, lower-cased. */
    private static String curlHead(String path, String... options) {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-o", "/dev/null", "-D", "-",
                "-H", "Host: routing.example.com"));
        command.addAll(List.of(options));
        command.add("http://127.0.0.1:" + cluster.gateway.localPort(80) + path);
        return Tools.run(command, 20).requireExit(0).stdout().toLowerCase(Locale.ROOT);
    }
}
