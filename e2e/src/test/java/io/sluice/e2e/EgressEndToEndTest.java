package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.gateway.GatewayNode;
import io.sluice.model.Json;
import io.sluice.model.net.ResolveOverrides;
import io.sluice.routing.NodeIdentity;
import io.sluice.testing.BookFiles;
import io.sluice.testing.TestDirectories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The book's egress exercises (10-a, 10-b, 10-c) and TLS origination, through a mesh proxy node and an
 * egress gateway node, with local stand-ins for httpbin.org reached through a resolver override file.
 * The clients are real: curl through {@code -x}, openssl s_client through {@code -proxy}, the JDK
 * HttpClient with a proxy. Each egress node counts what it sent by cluster, which tells the requests
 * that went through the egress gateway from those that bypassed it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EgressEndToEndTest {

    static final String HTTPBIN_80 = "outbound|80||httpbin.org";
    static final String HTTPBIN_443 = "outbound|443||httpbin.org";

    static TestCa ca;
    static EchoBackend httpbin;
    static EchoBackend httpbinTls;
    static EchoBackend apiTls;
    static EchoBackend mutualTls;
    static TestCa.Leaf client;
    static SluiceCluster cluster;
    static GatewayNode egress;
    static GatewayNode mesh;
    static HttpClient viaMesh;
    static Path resolveFile;

    @BeforeAll
    static void start() throws IOException {
        ca = TestCa.create("/O=Egress Test CA/CN=egress-test-ca");
        httpbin = EchoBackend.plain("httpbin-http");
        httpbinTls = EchoBackend.tls("httpbin-tls", ca.issue("httpbin", "/CN=httpbin.org", "httpbin.org"));
        apiTls = EchoBackend.tls("api-tls", ca.issue("api", "/CN=api.example.com", "api.example.com"));
        mutualTls = EchoBackend.mutualTls("mutual-tls", ca.issue("mutual", "/CN=mutual.example.com",
                "mutual.example.com"), ca);
        client = ca.issue("client", "/CN=sluice-egress/O=sluice");
        int egress80 = freePort();
        int egress443 = freePort();
        resolveFile = TestDirectories.file("resolve", ".txt");
        Files.writeString(resolveFile, """
                # local stand-ins for external hosts
                httpbin.org:80 127.0.0.1:%d
                httpbin.org:443 127.0.0.1:%d
                api.example.com:443 127.0.0.1:%d
                mutual.example.com:443 127.0.0.1:%d
                other.example:80 127.0.0.1:%d
                """.formatted(httpbin.port(), httpbinTls.port(), apiTls.port(), mutualTls.port(), httpbin.port()));
        System.setProperty(ResolveOverrides.PROPERTY, resolveFile.toString());
        cluster = new SluiceCluster("egress");
        egress = cluster.startNode(NodeIdentity.egress("egress-test"),
                p -> p == 80 ? egress80 : p == 443 ? egress443 : 0);
        mesh = cluster.startNode(NodeIdentity.meshProxy("mesh-test"), p -> 0);
        // what ./sluice up does for the egress gateway: its Service, backed by the node's ports
        cluster.applyOk("""
                apiVersion: v1
                kind: Service
                metadata: {name: istio-egressgateway, namespace: istio-system, labels: {istio: egressgateway}}
                spec:
                  selector: {istio: egressgateway}
                  ports:
                  - {name: http2, port: 80, targetPort: %d}
                  - {name: https, port: 443, targetPort: %d}
                ---
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata: {name: istio-egressgateway-1, namespace: istio-system}
                spec: {address: 127.0.0.1, labels: {istio: egressgateway}}
                """.formatted(egress80, egress443));
        viaMesh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", mesh.meshPort()))).build();
    }

    @AfterAll
    static void stop() throws Exception {
        System.clearProperty(ResolveOverrides.PROPERTY);
        if (cluster != null) {
            cluster.close();
        }
        for (EchoBackend b : new EchoBackend[] {httpbin, httpbinTls, apiTls, mutualTls}) {
            if (b != null) {
                b.close();
            }
        }
    }

    @Test
    @Order(1)
    void allowAnyPassesUnregisteredHostsStraightThrough() {
        HttpResponse<String> res = http("http://httpbin.org/get");
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("httpbin.org", json(res.body()).path("host").asText());
        Tools.Result https = curlHttps("https://httpbin.org/get");
        assertEquals(0, https.exit(), https.stderr());
        assertEquals("httpbin-tls", json(https.stdout()).path("backend").asText());
        assertEquals(2, mesh.traffic().get("PassthroughCluster"), mesh.traffic().snapshot().toString());
        assertEquals(0, mesh.traffic().get(HTTPBIN_80), "passthrough traffic is counted once, as PassthroughCluster");
        assertEquals(0, egress.traffic().snapshot().size(), egress.traffic().snapshot().toString());
    }

    @Test
    @Order(2)
    void registryOnlyBlocksUnregisteredHttpWith502AndFailsTheTlsHandshake() {
        cluster.applyOk("""
                apiVersion: sluice.io/v1
                kind: MeshConfig
                metadata: {name: mesh, namespace: istio-system}
                spec: {outboundTrafficPolicy: {mode: REGISTRY_ONLY}}
                """);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> http("http://httpbin.org/get").statusCode() == 502);
        Tools.Result https = curlHttps("https://httpbin.org/get");
        // the tunnel is accepted and closed after the ClientHello: the book's "curl: (35) … SSL_ERROR_SYSCALL"
        assertTrue(https.exit() == 35 || https.exit() == 56, "curl exit " + https.exit() + ": " + https.stderr());
        Tools.Result openssl = opensslViaMesh("httpbin.org");
        assertTrue(openssl.exit() != 0, openssl.stdout());
        assertTrue(!openssl.stdout().contains("CN = httpbin.org") && !openssl.stdout().contains("CN=httpbin.org"),
                openssl.stdout());
        assertTrue(mesh.traffic().get("BlackHoleCluster") >= 3, mesh.traffic().snapshot().toString());
    }

    @Test
    @Order(3)
    void serviceEntryOpensHttpAndHttpsWithoutRestartAndBypassesTheEgressGateway() {
        cluster.applyOk(BookFiles.read("10-a-istio-egress-gateway.yaml"));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> http("http://httpbin.org/get").statusCode() == 200);
        Tools.Result https = curlHttps("https://httpbin.org/get");
        assertEquals(0, https.exit(), https.stderr());
        assertEquals("httpbin-tls", json(https.stdout()).path("backend").asText());
        assertTrue(mesh.traffic().get(HTTPBIN_80) >= 1 && mesh.traffic().get(HTTPBIN_443) >= 1,
                mesh.traffic().snapshot().toString());
        assertEquals(0, egress.traffic().snapshot().size(), egress.traffic().snapshot().toString());
    }

    @Test
    @Order(4)
    void httpGoesThroughTheEgressGatewayAndHttpsBypassesItWithoutATlsRule() {
        cluster.applyOk(BookFiles.read("10-b-istio-egress-gateway.yaml"));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            long seen = egress.traffic().get(HTTPBIN_80);
            return http("http://httpbin.org/get").statusCode() == 200 && egress.traffic().get(HTTPBIN_80) > seen;
        });
        long before = egress.traffic().get(HTTPBIN_80);
        HttpResponse<String> res = http("http://httpbin.org/get");
        assertEquals(200, res.statusCode(), res.body());
        JsonNode echo = json(res.body());
        assertEquals("httpbin.org", echo.path("host").asText());
        assertEquals(2, echo.path("x-forwarded-for").asText().split(",").length, "mesh proxy, then egress gateway");
        assertEquals(before + 1, egress.traffic().get(HTTPBIN_80));

        long tlsBefore = mesh.traffic().get(HTTPBIN_443);
        Tools.Result https = curlHttps("https://httpbin.org/get");
        assertEquals(0, https.exit(), https.stderr());
        assertEquals(tlsBefore + 1, mesh.traffic().get(HTTPBIN_443));
        assertEquals(0, egress.traffic().get(HTTPBIN_443), "HTTPS must not pass the egress gateway in 10-b");
    }

    @Test
    @Order(5)
    void tlsRuleSendsTheTunnelThroughTheEgressGatewayWithoutDecrypting() {
        cluster.applyOk(BookFiles.read("10-c-istio-egress-gateway.yaml"));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> curlHttps("https://httpbin.org/get").exit() == 0
                && egress.traffic().get(HTTPBIN_443) > 0);
        long before = egress.traffic().get(HTTPBIN_443);
        Tools.Result https = curlHttps("https://httpbin.org/get");
        assertEquals(0, https.exit(), https.stderr());
        assertEquals("httpbin-tls", json(https.stdout()).path("backend").asText());
        assertEquals(before + 1, egress.traffic().get(HTTPBIN_443));
        // the certificate the client sees is httpbin's own: nobody on the way terminated TLS
        Tools.Result openssl = opensslViaMesh("httpbin.org");
        assertTrue(openssl.stdout().matches("(?s).*subject=\\s*CN\\s*=\\s*httpbin.org.*"), openssl.stdout());
        assertTrue(openssl.stdout().contains("Verify return code: 0 (ok)"), openssl.stdout());
        // HTTP still goes through the egress gateway
        long httpBefore = egress.traffic().get(HTTPBIN_80);
        assertEquals(200, http("http://httpbin.org/get").statusCode());
        assertEquals(httpBefore + 1, egress.traffic().get(HTTPBIN_80));
    }

    @Test
    @Order(9)
    void tunnelWhoseServerNameDiffersFromItsAuthorityIsClosed() {
        // even under ALLOW_ANY, where either name alone would pass: the name checked must be the name used
        Tools.Result same = opensslViaMesh("httpbin.org");
        assertTrue(same.stdout().contains("Verify return code: 0 (ok)"), same.stdout());
        Tools.Result openssl = Tools.run(List.of("openssl", "s_client", "-proxy", "127.0.0.1:" + mesh.meshPort(),
                "-connect", "httpbin.org:443", "-servername", "other.example", "-CAfile", ca.caCert.toString()), "", 20);
        assertTrue(openssl.exit() != 0, openssl.stdout());
        assertTrue(!openssl.stdout().contains("CN = httpbin.org"), openssl.stdout());
    }

    @Test
    @Order(6)
    void egressGatewayOriginatesTlsForPlainHttpClients() {
        cluster.applyOk(origination("api.example.com", """
                      mode: SIMPLE
                      caCertificates: %s""".formatted(ca.caCert)));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> http("http://api.example.com/get").statusCode() == 200);
        JsonNode echo = json(http("http://api.example.com/get").body());
        assertEquals("api-tls", echo.path("backend").asText());
        assertTrue(echo.path("tls").asBoolean(), "the egress gateway must have opened TLS");
        assertEquals("api.example.com", echo.path("host").asText());
        assertTrue(egress.traffic().get("outbound|443||api.example.com") >= 2, egress.traffic().snapshot().toString());
    }

    @Test
    @Order(7)
    void mutualTlsOriginationPresentsTheClientCredential() {
        cluster.applyOk(origination("mutual.example.com", """
                      mode: SIMPLE
                      caCertificates: %s""".formatted(ca.caCert)));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> http("http://mutual.example.com/get").statusCode() >= 500);
        assertEquals(0, mutualTls.requests.get(), "without a client certificate the backend refuses the handshake");
        cluster.applyOk("""
                apiVersion: v1
                kind: Secret
                metadata: {name: mutual-client, namespace: istio-system}
                type: generic
                stringData:
                  tls.crt: |
                %s
                  tls.key: |
                %s
                  ca.crt: |
                %s
                """.formatted(indent(client.certPem()), indent(client.keyPem()), indent(ca.caPem())));
        cluster.applyOk(origination("mutual.example.com", """
                      mode: MUTUAL
                      credentialName: mutual-client"""));
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> http("http://mutual.example.com/get").statusCode() == 200);
        assertEquals("mutual-tls", json(http("http://mutual.example.com/get").body()).path("backend").asText());
    }

    @Test
    @Order(7)
    void aCredentialThatCannotBeLoadedFailsRequestsInsteadOfSendingPlainText() {
        int before = apiTls.requests.get();
        cluster.applyOk(origination("api.example.com", """
                      mode: SIMPLE
                      caCertificates: %s""".formatted(resolveFile)));  // a file, but no certificate in it
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> http("http://api.example.com/get").statusCode() >= 500);
        assertEquals(before, apiTls.requests.get(), "nothing reached the backend");
    }

    @Test
    @Order(8)
    void backToAllowAnyLetsUnregisteredHostsThroughAgain() {
        assertEquals(502, http("http://other.example/get").statusCode());
        cluster.applyOk("""
                apiVersion: sluice.io/v1
                kind: MeshConfig
                metadata: {name: mesh, namespace: istio-system}
                spec: {outboundTrafficPolicy: {mode: ALLOW_ANY}}
                """);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> http("http://other.example/get").statusCode() == 200);
        assertEquals("other.example", json(http("http://other.example/get").body()).path("host").asText());
    }

    /** Istio's egress TLS-origination task: mesh → egress gateway (plain) → host:443 with TLS. */
    static String origination(String host, String tls) {
        String name = host.replace('.', '-');
        return """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: %1$s, namespace: chapter4}
                spec:
                  hosts: [%2$s]
                  location: MESH_EXTERNAL
                  resolution: DNS
                  ports:
                  - {number: 80, name: http, protocol: HTTP}
                  - {number: 443, name: https, protocol: HTTPS}
                ---
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: %1$s-egress, namespace: chapter4}
                spec:
                  selector: {istio: egressgateway}
                  servers:
                  - port: {number: 80, name: http, protocol: HTTP}
                    hosts: [%2$s]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: %1$s, namespace: chapter4}
                spec:
                  hosts: [%2$s]
                  gateways: [mesh, %1$s-egress]
                  http:
                  - match: [{gateways: [mesh], port: 80}]
                    route:
                    - destination: {host: istio-egressgateway.istio-system.svc.cluster.local, port: {number: 80}}
                  - match: [{gateways: [%1$s-egress], port: 80}]
                    route:
                    - destination: {host: %2$s, port: {number: 443}}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: %1$s-tls, namespace: chapter4}
                spec:
                  host: %2$s
                  trafficPolicy:
                    portLevelSettings:
                    - port: {number: 443}
                      tls:
                %3$s
                """.formatted(name, host, tls.strip().lines().map(l -> "        " + l.strip())
                .reduce((a, b) -> a + "\n" + b).orElse(""));
    }

    static String indent(String pem) {
        return pem.strip().lines().map(l -> "    " + l).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    static HttpResponse<String> http(String url) {
        try {
            return viaMesh.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** curl through the mesh proxy as HTTPS_PROXY, trusting the test CA. */
    static Tools.Result curlHttps(String url) {
        return Tools.run(List.of("curl", "-sS", "--max-time", "10", "--cacert", ca.caCert.toString(),
                "-x", "http://127.0.0.1:" + mesh.meshPort(), url), 20);
    }

    static Tools.Result opensslViaMesh(String serverName) {
        return Tools.run(List.of("openssl", "s_client", "-proxy", "127.0.0.1:" + mesh.meshPort(),
                "-connect", serverName + ":443", "-servername", serverName, "-CAfile", ca.caCert.toString(),
                "-verify_return_error"), "", 20);
    }

    static JsonNode json(String body) {
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + body, e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
