package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.sluice.gateway.GatewayNode;
import io.sluice.routing.NodeIdentity;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request heads as large as Envoy takes (60 KiB, Istio's default) pass through the gateway, in HTTP/1.1
 * and HTTP/2, and a larger one never reaches the endpoint, with curl as the client. The endpoint is the
 * JDK's own HTTP server, whose limits are far above these, echoing the sizes it got.
 */
class RequestHeadLimitsEndToEndTest {

    static SluiceCluster cluster;
    static HttpServer backend;
    static final AtomicInteger requests = new AtomicInteger();

    @BeforeAll
    static void start() throws IOException {
        cluster = new SluiceCluster("limits");
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        backend.createContext("/", exchange -> {
            requests.incrementAndGet();
            String cookie = exchange.getRequestHeaders().getFirst("Cookie");
            byte[] body = ("uri=" + exchange.getRequestURI().toString().length()
                    + " cookie=" + (cookie == null ? 0 : cookie.length())).getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        backend.start();
        TestBackend.register(cluster.registryUrl(), backend.getAddress().getPort(), "echo", "limits");
        cluster.applyOk("""
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: limits}
                spec:
                  selector: {istio: ingressgateway}
                  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: echo, namespace: limits}
                spec:
                  hosts: ["*"]
                  gateways: [gw]
                  http: [{route: [{destination: {host: echo}}]}]
                """);
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> curl("--http1.1", "/", 0).stdout().equals("200 uri=1 cookie=0"));
    }

    @AfterAll
    static void stop() throws Exception {
        backend.stop(0);
        cluster.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--http1.1", "--http2-prior-knowledge"})
    void aLongQueryAndALargeCookiePassAsThroughEnvoy(String version) {
        String query = "/search?q=" + "x".repeat(6_000);
        Tools.Result r = curl(version, query, 30_000);
        assertEquals(0, r.exit(), r.stderr());
        assertEquals("200 uri=" + query.length() + " cookie=" + (30_000 + 2), r.stdout());
    }

    @Test
    void theMeshProxyTakesTheSameHeads() {
        GatewayNode mesh = cluster.startNode(NodeIdentity.meshProxy("limits-mesh"), p -> 0);
        String query = "/search?q=" + "x".repeat(6_000);
        Tools.Result r = Tools.run(List.of("curl", "-sS", "-x", "http://127.0.0.1:" + mesh.meshPort(),
                "-H", "Cookie: c=" + "v".repeat(30_000), "http://echo.limits.svc.cluster.local" + query), 20);
        assertEquals(0, r.exit(), r.stderr());
        assertEquals("uri=" + query.length() + " cookie=" + (30_000 + 2), r.stdout());
    }

    @Test
    void anHttp11HeadOverSixtyKibibytesIsRefusedWith400() {
        int before = requests.get();
        Tools.Result r = curl("--http1.1", "/", 64 * 1024);
        assertEquals("400", r.stdout().split(" ")[0], r.stdout());
        assertEquals(before, requests.get(), "the endpoint saw nothing of it");
    }

    @Test
    void anHttp2HeaderListOverSixtyKibibytesIsRefused() {
        int before = requests.get();
        Tools.Result r = curl("--http2-prior-knowledge", "/", 64 * 1024);
        assertTrue(!r.stdout().startsWith("200"), r.stdout());
        assertEquals(before, requests.get(), "the endpoint saw nothing of it");
    }

    /** GET with a Cookie header of {@code cookieBytes} (+2 for "c="), printing the status and the body. */
    private static Tools.Result curl(String version, String path, int cookieBytes) {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "-sS", version, "-w", "%{http_code} ",
                "-o", "/dev/stderr", "http://127.0.0.1:" + cluster.gateway.localPort(80) + path));
        if (cookieBytes > 0) {
            command.addAll(List.of("-H", "Cookie: c=" + "v".repeat(cookieBytes)));
        }
        Tools.Result r = Tools.run(command, 20);
        // the status went to stdout and the body to stderr: one line, status first
        return new Tools.Result(r.exit(), (r.stdout() + r.stderr()).trim(), r.stderr());
    }
}
