package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.sluice.gateway.GatewayNode;
import io.sluice.routing.NodeIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The request heads the gateway takes, as Envoy with Istio's defaults takes them, with curl (and a raw
 * socket, for what curl will not send) as the client: heads up to 60 KiB in HTTP/1.1 and HTTP/2, through
 * the mesh proxy too; the characters browsers leave raw in query strings; and what it refuses. The
 * endpoint is a Helidon server opened up well past these limits, echoing what it got.
 */
class RequestHeadEndToEndTest {

    static SluiceCluster cluster;
    static WebServer backend;
    static final AtomicInteger requests = new AtomicInteger();
    static final AtomicReference<String> lastTarget = new AtomicReference<>();

    @BeforeAll
    static void start() {
        cluster = new SluiceCluster("heads");
        backend = WebServer.builder().host("127.0.0.1").port(0)
                .addProtocol(Http1Config.builder().validatePath(false).validatePrologue(false)
                        .maxPrologueLength(1 << 20).maxHeadersSize(1 << 20).build())
                .routing(r -> r.any((req, res) -> {
                    requests.incrementAndGet();
                    String query = req.prologue().query().rawValue();
                    String target = req.prologue().uriPath().rawPath() + (query.isEmpty() ? "" : "?" + query);
                    lastTarget.set(target);
                    res.send("uri=" + target.length() + " cookie="
                            + req.headers().first(io.helidon.http.HeaderNames.COOKIE).map(String::length).orElse(0));
                }))
                .build().start();
        TestBackend.register(cluster.registryUrl(), backend.port(), "echo", "heads");
        cluster.applyOk("""
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: heads}
                spec:
                  selector: {istio: ingressgateway}
                  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: echo, namespace: heads}
                spec:
                  hosts: ["*"]
                  gateways: [gw]
                  http: [{route: [{destination: {host: echo}}]}]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: narrow, namespace: heads}
                spec:
                  hosts: [narrow.example]
                  gateways: [gw]
                  http: [{match: [{uri: {prefix: /only}}], route: [{destination: {host: echo}}]}]
                """);
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> curl("--http1.1", "/", 0).stdout().equals("200 uri=1 cookie=0"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> Tools.run(List.of("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-H",
                        "Host: narrow.example", "http://127.0.0.1:" + cluster.gateway.localPort(80) + "/only"), 10)
                        .stdout().equals("200"));
    }

    @AfterAll
    static void stop() throws Exception {
        backend.stop();
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
        GatewayNode mesh = cluster.startNode(NodeIdentity.meshProxy("heads-mesh"), p -> 0);
        String query = "/search?q=" + "x".repeat(6_000);
        Tools.Result r = Tools.run(List.of("curl", "-sS", "-x", "http://127.0.0.1:" + mesh.meshPort(),
                "-H", "Cookie: c=" + "v".repeat(30_000), "http://echo.heads.svc.cluster.local" + query), 20);
        assertEquals(0, r.exit(), r.stderr());
        assertEquals("uri=" + query.length() + " cookie=" + (30_000 + 2), r.stdout());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/search?filter={\"size\":[1,2]}", "/a|b?x=^1`", "/a%zz?q=%zz%"})
    void charactersBrowsersSendRawReachTheEndpointAsSent(String target) {
        Tools.Result r = curl("--http1.1", target, 0);
        assertEquals("200 uri=" + target.length() + " cookie=0", r.stdout(), r.stderr());
        assertEquals(target, lastTarget.get());
    }

    @Test
    void aTargetWithAControlCharacterIsRefusedWith400() throws IOException {
        int before = requests.get();
        try (Socket s = new Socket("127.0.0.1", cluster.gateway.localPort(80))) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write("GET /a\u0001b HTTP/1.1\r\nHost: heads\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1); // and closed, as asked
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        }
        assertEquals(before, requests.get(), "the endpoint saw nothing of it");
    }

    @Test
    void aClientThatSaysConnectionCloseSeesItClosedAfterTheAnswer() throws IOException {
        String answer = closingExchange("GET /closing HTTP/1.1\r\nHost: heads\r\nConnection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 200") && answer.endsWith("uri=8 cookie=0"), answer);
    }

    /** The gateway's own answers too: a 404 for a path no route takes once left it open (an early return). */
    @Test
    void aClientThatSaysConnectionCloseSeesItClosedAfterANotFound() throws IOException {
        String answer = closingExchange("GET / HTTP/1.1\r\nHost: narrow.example\r\nConnection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 404"), answer);
    }

    /** Sends {@code request} and reads until the gateway closes the connection (10 s at most). */
    private String closingExchange(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", cluster.gateway.localPort(80))) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
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

    /**
     * GET as sent ({@code --path-as-is}, no globbing) with a Cookie header of {@code cookieBytes} (+2 for
     * "c="); stdout is the status, a space and the body.
     */
    private static Tools.Result curl(String version, String path, int cookieBytes) {
        List<String> command = new java.util.ArrayList<>(List.of("curl", "-sS", "--path-as-is", "-g", version,
                "-w", "%{http_code} ", "-o", "/dev/stderr", "http://127.0.0.1:" + cluster.gateway.localPort(80) + path));
        if (cookieBytes > 0) {
            command.addAll(List.of("-H", "Cookie: c=" + "v".repeat(cookieBytes)));
        }
        Tools.Result r = Tools.run(command, 20);
        // the status went to stdout and the body to stderr: one line, status first
        return new Tools.Result(r.exit(), (r.stdout() + r.stderr()).trim(), r.stderr());
    }
}
