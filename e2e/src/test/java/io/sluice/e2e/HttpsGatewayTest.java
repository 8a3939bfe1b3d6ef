package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.BookFiles;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The book's HTTPS files 6 to 9 (SIMPLE, redirect, several hosts by SNI, wildcard) with real
 * handshakes checked by curl and openssl s_client, in the book's order: each file replaces the
 * Gateway of the one before.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HttpsGatewayTest {

    static final String SOCKSHOP = "<html>sock shop front-end</html>";
    static final String V1 = CanaryEndToEndTest.V1;

    static SluiceCluster cluster;
    static TestPki pki;

    @BeforeAll
    static void start() {
        pki = new TestPki();
        pki.leaf("sockshop", "/CN=sockshop.com/O=sockshop.inc");
        pki.leaf("mockshop", "/CN=mockshop.com/O=mockshop.inc");
        pki.leaf("sni-sockshop", "/CN=*.sockshop.com/O=sockshop.inc");
        cluster = new SluiceCluster("https");
        cluster.backend(SOCKSHOP, "front-end", "sock-shop");
        cluster.backend(V1, "envoydummy", "chapter4", "version", "v1");
        applyOk(BookFiles.read("ClusterIp-front-end-svc.yaml"));
        applyOk(BookFiles.read("01-envoy-proxy.yaml"));
        applyOk(pki.tlsSecret("sockshop-credential", "sockshop", false) + "---\n"
                + pki.tlsSecret("mockshop-credential", "mockshop", false) + "---\n"
                + pki.tlsSecret("sni-sockshop-credential", "sni-sockshop", false));
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    static void applyOk(String yaml) {
        HttpResponse<String> res = cluster.apply(yaml);
        assertEquals(200, res.statusCode(), res.body());
    }

    static int httpsPort() {
        return cluster.gateway.localPort(443);
    }

    /** Applies a book file and waits until {@code host} answers 200 over HTTPS. */
    static void applyBookFile(String file, String host) {
        applyOk(BookFiles.read(file));
        Awaitility.await(file).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> httpsPort() > 0 && pki.curl(host, httpsPort(), "/").out().endsWith("200 2"));
    }

    @Test
    @Order(1)
    void file6ServesTheSockshopCertificateForItsSniWithH2() {
        applyBookFile("6-istio-gateway.yaml", "sockshop.com");
        TestPki.Result curl = pki.curl("sockshop.com", httpsPort(), "/");
        assertEquals(0, curl.exit(), curl.err());
        assertEquals(SOCKSHOP + "\n200 2", curl.out(), "body, status and HTTP/2 through ALPN");
        TestPki.Result tls = pki.sClient(httpsPort(), "sockshop.com");
        assertEquals("CN = sockshop.com, O = sockshop.inc", tls.subject(), tls.all());
        assertEquals("O = Sockshop Inc., CN = Sockshop.inc", tls.issuer(), tls.all());
        assertTrue(tls.out().contains("Verify return code: 0 (ok)"), tls.all());
        assertTrue(tls.out().contains("ALPN protocol: h2"), tls.all());
        TestPki.Result http11 = pki.curl("sockshop.com", httpsPort(), "/", "--http1.1");
        assertEquals(SOCKSHOP + "\n200 1.1", http11.out(), http11.err());
        assertTrue(cluster.gateway.localPort(80) < 0, "file 6 has no port 80 server");
    }

    @Test
    @Order(2)
    void file6RefusesHandshakesWithoutSniOrForOtherNames() {
        TestPki.Result noSni = pki.sClient(httpsPort(), null);
        assertNotEquals(0, noSni.exit(), noSni.all());
        assertEquals(null, noSni.subject(), noSni.all());
        TestPki.Result mockshop = pki.curl("mockshop.com", httpsPort(), "/");
        assertEquals(35, mockshop.exit(), "curl: SSL connect error; " + mockshop.all());
        // an IP address is never sent as SNI: curl to the bare address with a Host header fails too
        TestPki.Result byAddress = pki.run("curl", "-sS", "--max-time", "5", "--cacert", pki.ca().toString(),
                "-H", "Host: sockshop.com", "https://127.0.0.1:" + httpsPort() + "/");
        assertEquals(35, byAddress.exit(), byAddress.all());
    }

    @Test
    @Order(3)
    void file7RedirectsPlainHttpToHttpsKeepingHostPathAndQuery() {
        applyBookFile("7-istio-gateway.yaml", "sockshop.com");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cluster.gateway.localPort(80) > 0);
        HttpResponse<String> res = cluster.get("sockshop.com", "/catalogue?x=1");
        assertEquals(301, res.statusCode());
        assertEquals("https://sockshop.com/catalogue?x=1", res.headers().firstValue("location").orElseThrow());
        assertEquals("", res.body());
        assertEquals(301, cluster.get("SockShop.com:80", "/").statusCode());
        assertEquals(404, cluster.get("mockshop.com", "/").statusCode());
        TestPki.Result curl = pki.run("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                "-H", "Host: sockshop.com", "http://127.0.0.1:" + cluster.gateway.localPort(80) + "/");
        assertEquals("301 https://sockshop.com/", curl.out());
        assertEquals(SOCKSHOP + "\n200 2", pki.curl("sockshop.com", httpsPort(), "/").out(), "HTTPS as in file 6");
    }

    @Test
    @Order(4)
    void file8ChoosesTheCertificateBySniAndKeepsEachServersHostsApart() {
        applyBookFile("8-istio-gateway.yaml", "mockshop.com");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> cluster.gateway.localPort(80) < 0);
        assertEquals("CN = sockshop.com, O = sockshop.inc", pki.sClient(httpsPort(), "sockshop.com").subject());
        TestPki.Result mock = pki.sClient(httpsPort(), "mockshop.com");
        assertEquals("CN = mockshop.com, O = mockshop.inc", mock.subject(), mock.all());
        assertTrue(mock.out().contains("Verify return code: 0 (ok)"), mock.all());
        assertEquals(SOCKSHOP + "\n200 2", pki.curl("sockshop.com", httpsPort(), "/").out());
        assertEquals(V1 + "\n200 2", pki.curl("mockshop.com", httpsPort(), "/").out());
        assertNotEquals(0, pki.sClient(httpsPort(), "foo.example.com").exit());
        assertNotEquals(0, pki.sClient(httpsPort(), null).exit());
        // SNI sockshop.com, Host mockshop.com: the sockshop server has no route for it
        TestPki.Result crossed = pki.curl("sockshop.com", httpsPort(), "/", "-H", "Host: mockshop.com");
        assertTrue(crossed.out().endsWith("404 2"), crossed.all());
    }

    @Test
    @Order(5)
    void file9ServesTheWildcardCertificateAndPrefersTheExactHost() {
        applyBookFile("9-istio-gateway.yaml", "my.sockshop.com");
        TestPki.Result wildcard = pki.curl("my.sockshop.com", httpsPort(), "/", "-v");
        assertTrue(wildcard.out().endsWith(SOCKSHOP + "\n200 2"), wildcard.all());
        assertTrue(wildcard.err().contains("subject: CN=*.sockshop.com; O=sockshop.inc"), wildcard.err());
        assertEquals("CN = *.sockshop.com, O = sockshop.inc", pki.sClient(httpsPort(), "a.b.sockshop.com").subject());
        assertEquals("CN = sockshop.com, O = sockshop.inc", pki.sClient(httpsPort(), "sockshop.com").subject());
        assertEquals("CN = mockshop.com, O = mockshop.inc", pki.sClient(httpsPort(), "mockshop.com").subject());
        assertNotEquals(0, pki.sClient(httpsPort(), "foo.example.com").exit());
    }

    @Test
    @Order(6)
    void secretReadsShowCertificateMetadataAndNeverTheKey() {
        HttpResponse<String> res = SluiceCluster.send(HttpRequest.newBuilder(URI.create(cluster.configUrl()
                + "/api/v1/namespaces/istio-system/secrets/sockshop-credential")).GET().build());
        assertEquals(200, res.statusCode());
        assertTrue(res.body().contains("\"tls.key\":\"<redacted>\""), res.body());
        assertFalse(res.body().contains(pki.base64("sockshop.key").substring(0, 40)), "key material returned");
        assertTrue(res.body().contains("\"subject\":\"O=sockshop.inc,CN=sockshop.com\""), res.body());
        assertTrue(res.body().contains("\"issuer\":\"CN=Sockshop.inc,O=Sockshop Inc.\""), res.body());
        assertTrue(res.body().contains("\"notAfter\""), res.body());
    }
}
