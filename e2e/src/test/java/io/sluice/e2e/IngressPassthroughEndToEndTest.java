package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.model.Json;
import io.sluice.model.registry.Workload;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The book's file 9 (three servers on 443 told apart by SNI, a wildcard among them, the exact name
 * winning) with {@code tls.mode: PASSTHROUGH} instead of SIMPLE: the ingress gateway does not
 * terminate TLS, it reads the ClientHello's server name and forwards the stream to backends that hold
 * the certificates themselves. Also AUTO_PASSTHROUGH, where the server name alone picks the service
 * (Istio's {@code outbound_.<port>_.<subset>_.<host>} form is checked in the routing tests: a JDK
 * server such as these stand-ins refuses a server name with underscores).
 * Checked with real handshakes: openssl s_client and curl.
 */
class IngressPassthroughEndToEndTest {

    static TestCa ca;
    static SluiceCluster cluster;
    static final List<EchoBackend> backends = new java.util.ArrayList<>();
    static int port;
    static int autoPort;

    @BeforeAll
    static void start() {
        ca = TestCa.create("/O=Sockshop Inc./CN=Sockshop.inc");
        cluster = new SluiceCluster("passthrough");
        register("sni-sockshop", EchoBackend.tls("sni-sockshop",
                ca.issue("sni-sockshop", "/CN=*.sockshop.com/O=sockshop.inc", "*.sockshop.com")));
        register("sockshop-tls", EchoBackend.tls("sockshop",
                ca.issue("sockshop", "/CN=sockshop.com/O=sockshop.inc", "sockshop.com")));
        register("mockshop-tls", EchoBackend.tls("mockshop",
                ca.issue("mockshop", "/CN=mockshop.com/O=mockshop.inc", "mockshop.com")));
        cluster.applyOk("""
                apiVersion: networking.istio.io/v1alpha3
                kind: Gateway
                metadata: {name: chapter4-gateway, namespace: chapter4}
                spec:
                  selector: {istio: ingressgateway}
                  servers:
                  - port: {number: 443, name: tls-sni-sockshop, protocol: TLS}
                    tls: {mode: PASSTHROUGH}
                    hosts: ["*.sockshop.com"]
                  - port: {number: 443, name: tls-mockshop, protocol: TLS}
                    tls: {mode: PASSTHROUGH}
                    hosts: ["mockshop.com"]
                  - port: {number: 443, name: tls-sockshop, protocol: TLS}
                    tls: {mode: PASSTHROUGH}
                    hosts: ["sockshop.com"]
                  - port: {number: 15443, name: tls-auto, protocol: TLS}
                    tls: {mode: AUTO_PASSTHROUGH}
                    hosts: ["*.chapter4.svc.cluster.local"]
                ---
                apiVersion: networking.istio.io/v1alpha3
                kind: VirtualService
                metadata: {name: sockshop, namespace: chapter4}
                spec:
                  hosts: ["*.sockshop.com", "sockshop.com"]
                  gateways: [chapter4-gateway]
                  tls:
                  - match: [{port: 443, sniHosts: [sockshop.com]}]
                    route: [{destination: {host: sockshop-tls, port: {number: 443}}}]
                  - match: [{port: 443, sniHosts: ["*.sockshop.com"]}]
                    route: [{destination: {host: sni-sockshop, port: {number: 443}}}]
                ---
                apiVersion: networking.istio.io/v1alpha3
                kind: VirtualService
                metadata: {name: mockshop, namespace: chapter4}
                spec:
                  hosts: [mockshop.com]
                  gateways: [chapter4-gateway]
                  tls:
                  - match: [{port: 443, sniHosts: [mockshop.com]}]
                    route: [{destination: {host: mockshop-tls, port: {number: 443}}}]
                """);
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> cluster.gateway.localPort(443) > 0 && cluster.gateway.localPort(15443) > 0
                        && cluster.gateway.routes().current().dump().contains("sni mockshop-tls.chapter4"));
        port = cluster.gateway.localPort(443);
        autoPort = cluster.gateway.localPort(15443);
    }

    static void register(String service, EchoBackend b) {
        backends.add(b);
        var res = SluiceCluster.send(HttpRequest.newBuilder(URI.create(cluster.registryUrl() + "/v1/workloads"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(
                        new Workload(service, "chapter4", "127.0.0.1", b.port(), 443, Map.of()))))
                .build());
        assertEquals(200, res.statusCode(), res.body());
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
        backends.forEach(EchoBackend::close);
    }

    @ParameterizedTest(name = "SNI {0} reaches {1} and sees its own certificate")
    @CsvSource({
            "my.sockshop.com, sni-sockshop, *.sockshop.com",
            "www.sockshop.com, sni-sockshop, *.sockshop.com",
            "sockshop.com, sockshop, sockshop.com",
            "mockshop.com, mockshop, mockshop.com"})
    void routesByServerNameWithoutTerminating(String sni, String backend, String commonName) {
        Tools.Result openssl = sClient(port, sni);
        assertTrue(openssl.stdout().contains("CN = " + commonName + ", O = "), openssl.stdout());
        assertTrue(openssl.stdout().contains("Verify return code: 0 (ok)"), openssl.stdout());
        Tools.Result curl = Tools.run(List.of("curl", "-sS", "--max-time", "10", "--cacert", ca.caCert.toString(),
                "--resolve", sni + ":" + port + ":127.0.0.1", "https://" + sni + ":" + port + "/catalogue"), 20);
        assertEquals(0, curl.exit(), curl.stderr());
        var echo = EgressEndToEndTest.json(curl.stdout());
        assertEquals(backend, echo.path("backend").asText());
        assertTrue(echo.path("tls").asBoolean());
        assertEquals("/catalogue", echo.path("path").asText());
    }

    @ParameterizedTest(name = "SNI {0} is refused")
    @CsvSource({"foo.example.com", "sockshop.com.evil.net"})
    void unknownServerNameFailsTheHandshake(String sni) {
        Tools.Result openssl = sClient(port, sni);
        assertNotEquals(0, openssl.exit());
        assertFalse(openssl.stdout().contains("CN = "), openssl.stdout());
        Tools.Result curl = Tools.run(List.of("curl", "-sS", "--max-time", "10", "--cacert", ca.caCert.toString(),
                "--resolve", sni + ":" + port + ":127.0.0.1", "https://" + sni + ":" + port + "/"), 20);
        assertEquals(35, curl.exit(), curl.stderr());
    }

    @Test
    void clientWithoutServerNameIsRefused() {
        Tools.Result openssl = Tools.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-noservername",
                "-CAfile", ca.caCert.toString()), "", 20);
        assertNotEquals(0, openssl.exit());
        assertFalse(openssl.stdout().contains("CN = "), openssl.stdout());
    }

    @ParameterizedTest(name = "AUTO_PASSTHROUGH SNI {0}")
    @CsvSource({
            "mockshop-tls.chapter4.svc.cluster.local, mockshop.com",
            "sni-sockshop.chapter4.svc.cluster.local, *.sockshop.com"})
    void autoPassthroughForwardsToTheServiceTheNameNames(String sni, String commonName) {
        Tools.Result openssl = sClient(autoPort, sni);
        assertTrue(openssl.stdout().contains("CN = " + commonName + ", O = "),
                openssl.stdout() + cluster.gateway.routes().current().dump());
    }

    static Tools.Result sClient(int port, String sni) {
        return Tools.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", sni,
                "-CAfile", ca.caCert.toString()), "", 20);
    }
}
