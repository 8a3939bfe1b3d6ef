package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.helidon.webserver.WebServer;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which HTTP version the gateway speaks to an endpoint, seen by the endpoint itself (a Helidon server
 * taking HTTP/1.1 and h2c alike, answering with the version it got; and one over TLS, where the
 * version is agreed by ALPN), with curl as the client.
 */
class ClientProtocolEndToEndTest {

    static SluiceCluster cluster;
    static WebServer backend;
    /** The same over TLS, with ALPN offering h2 and http/1.1. */
    static WebServer tlsBackend;

    @BeforeAll
    static void start() {
        cluster = new SluiceCluster("protocol");
        backend = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.get("/*", (req, res) -> res.send(req.prologue().protocolVersion())))
                .build().start();
        TestCa ca = TestCa.create("/CN=protocol test CA");
        TestCa.Leaf leaf = ca.issue("protocol-backend", "/CN=backend.test", "backend.test");
        tlsBackend = WebServer.builder().host("127.0.0.1").port(0)
                .tls(t -> t.sslContext(leaf.serverContext(null)))
                .routing(r -> r.get("/*", (req, res) -> res.send(req.prologue().protocolVersion())))
                .build().start();
        TestBackend.register(cluster.registryUrl(), tlsBackend.port(), "secured", "protocol");
        TestBackend.register(cluster.registryUrl(), backend.port(), "mirrored", "protocol");
        TestBackend.register(cluster.registryUrl(), backend.port(), "fixed", "protocol");
        cluster.applyOk("""
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: protocol}
                spec:
                  selector: {istio: ingressgateway}
                  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: mirrored, namespace: protocol}
                spec:
                  host: mirrored
                  trafficPolicy: {connectionPool: {http: {useClientProtocol: true}}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: secured, namespace: protocol}
                spec:
                  host: secured
                  trafficPolicy:
                    connectionPool: {http: {useClientProtocol: true}}
                    tls: {mode: SIMPLE, sni: backend.test, caCertificates: %s}
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: protocol, namespace: protocol}
                spec:
                  hosts: ["*"]
                  gateways: [gw]
                  http:
                  - match: [{uri: {prefix: /mirrored}}]
                    route: [{destination: {host: mirrored}}]
                  - match: [{uri: {prefix: /secured}}]
                    route: [{destination: {host: secured}}]
                  - route: [{destination: {host: fixed}}]
                """.formatted(ca.caCert));
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> get("--http1.1", "/fixed").equals("1.1") && get("--http1.1", "/mirrored").equals("1.1")
                        && get("--http1.1", "/secured").equals("1.1"));
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
        backend.stop();
        tlsBackend.stop();
    }

    @ParameterizedTest
    @CsvSource({
            "--http2-prior-knowledge, /mirrored, 2.0",
            "--http1.1,               /mirrored, 1.1",
            "--http2-prior-knowledge, /fixed,    1.1",
            "--http2-prior-knowledge, /secured,  2.0",
            "--http1.1,               /secured,  1.1"})
    void aRuleWithUseClientProtocolSpeaksToTheEndpointInTheClientsVersion(String curlMode, String path,
                                                                          String seen) {
        assertEquals(seen, get(curlMode, path));
    }

    private static String get(String curlMode, String path) {
        return Tools.run(List.of("curl", "-s", "--max-time", "5", curlMode,
                "http://127.0.0.1:" + cluster.gateway.localPort(80) + path), 20).requireExit(0).stdout();
    }
}
