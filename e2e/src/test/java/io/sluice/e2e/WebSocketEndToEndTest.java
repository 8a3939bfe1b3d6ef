package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * WebSocket through the gateway with a real client (the JDK's) and a real server (Helidon's): the
 * upgrade is routed and rewritten like any request, frames flow both ways, and the upgraded stream is
 * counted when it ends.
 */
class WebSocketEndToEndTest {

    static SluiceCluster cluster;
    static TestPki pki;
    static WebServer chat;
    /** The upgrade requests the server saw: path and forwarding headers. */
    static final List<String> upgrades = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        cluster = new SluiceCluster("websocket");
        pki = new TestPki();
        pki.leaf("ws", "/CN=ws.example.com/O=sockshop.inc");
        chat = WebServer.builder().host("127.0.0.1").port(0)
                .addRouting(WsRouting.builder().endpoint("/v2/chat", new WsListener() {
                    @Override
                    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) {
                        upgrades.add(prologue.uriPath().rawPath() + " xff="
                                + headers.first(HeaderNames.X_FORWARDED_FOR).orElse("-") + " id="
                                + headers.first(HeaderNames.create("x-request-id")).isPresent());
                        return Optional.empty();
                    }

                    @Override
                    public void onMessage(WsSession session, String text, boolean last) {
                        session.send("v2: " + text, last);
                    }
                }))
                .build().start();
        TestBackend.register(cluster.registryUrl(), chat.port(), "chat", "ws");
        // the same server under a name of its own: the counting test's streams are the only ones in its series
        TestBackend.register(cluster.registryUrl(), chat.port(), "counted", "ws");
        cluster.applyOk(pki.tlsSecret("ws-credential", "ws", false) + """
                ---
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: ws}
                spec:
                  selector: {istio: ingressgateway}
                  servers:
                  - port: {number: 80, name: http, protocol: HTTP}
                    hosts: ["*"]
                  - port: {number: 443, name: https, protocol: HTTPS}
                    hosts: [ws.example.com]
                    tls: {mode: SIMPLE, credentialName: ws-credential}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: chat, namespace: ws}
                spec:
                  hosts: ["*"]
                  gateways: [gw]
                  http:
                  - match: [{uri: {prefix: /counted}}]
                    rewrite: {uri: /v2/chat}
                    route: [{destination: {host: counted}}]
                  - match: [{uri: {prefix: /chat}}]
                    rewrite: {uri: /v2/chat}
                    route: [{destination: {host: chat}}]
                  - route: [{destination: {host: chat}}]
                """);
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> cluster.gateway.localPort(80) > 0 && open("/chat") != null);
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
        chat.stop();
    }

    @Test
    void messagesFlowBothWaysThroughTheRewrittenRoute() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket ws = open("/chat", received);
        for (String m : List.of("hello", "again")) {
            ws.sendText(m, true).join();
            assertEquals("v2: " + m, received.poll(10, TimeUnit.SECONDS));
        }
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        assertTrue(upgrades.contains("/v2/chat xff=127.0.0.1 id=true"), upgrades::toString);
    }

    /**
     * The RFC 6455 handshake over TLS with curl, which speaks HTTP/1.1 but not WebSocket: the server's
     * 101 and its accept key for the RFC's sample key prove the upgrade reached it through the tunnel.
     */
    @Test
    void theUpgradeWorksOnATlsServerToo() {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> cluster.gateway.localPort(443) > 0);
        TestPki.Result curl = pki.curl("ws.example.com", cluster.gateway.localPort(443), "/chat", "-i", "--http1.1",
                "--max-time", "3", "-H", "Connection: Upgrade", "-H", "Upgrade: websocket",
                "-H", "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==");
        String out = curl.out().toLowerCase(Locale.ROOT);
        assertTrue(out.startsWith("http/1.1 101"), curl.all());
        assertTrue(out.contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo="), curl.all());
    }

    @Test
    void anUpgradeTheServerRefusesReachesTheClientAsItsAnswer() {
        var e = assertThrows(CompletionException.class, () -> open("/elsewhere"));
        WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        assertEquals(404, refused.getResponse().statusCode());
    }

    @Test
    void theUpgradedStreamIsCountedWithIts101WhenItEnds() throws Exception {
        assertEquals(0, upgradesCounted());
        WebSocket ws = open("/counted", new LinkedBlockingQueue<>());
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> upgradesCounted() == 1);
    }

    /** istio_requests_total for service counted with response code 101. */
    private static long upgradesCounted() {
        HttpResponse<String> res = SluiceCluster.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + cluster.gateway.statusPort() + "/stats/prometheus")).build());
        return ObservabilityEndToEndTest.SERIES.matcher(res.body()).results()
                .filter(m -> m.group(1).contains("response_code=\"101\"")
                        && m.group(1).contains("destination_service_name=\"counted\""))
                .mapToLong(m -> Long.parseLong(m.group(2))).sum();
    }

    private static WebSocket open(String path) {
        WebSocket ws = open(path, new LinkedBlockingQueue<>());
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
        return ws;
    }

    private static WebSocket open(String path, BlockingQueue<String> received) {
        return HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create("ws://127.0.0.1:" + cluster.gateway.localPort(80) + path),
                        new WebSocket.Listener() {
                            private final StringBuilder text = new StringBuilder();

                            @Override
                            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                                text.append(data);
                                if (last) {
                                    received.add(text.toString());
                                    text.setLength(0);
                                }
                                ws.request(1);
                                return null;
                            }
                        })
                .join();
    }
}
