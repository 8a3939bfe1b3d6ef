package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A Kubernetes Ingress with a {@code tls} entry, served over HTTPS with its Secret: curl, real handshakes. */
class IngressTlsEndToEndTest {

    static SluiceCluster cluster;
    static TestPki pki;

    @BeforeAll
    static void start() {
        cluster = new SluiceCluster("ingresstls");
        pki = new TestPki();
        pki.leaf("secure", "/CN=secure.example.com/O=sockshop.inc");
        cluster.backend("secure shop", "shop", "web");
        cluster.applyOk(pki.tlsSecret("secure-cert", "secure", false) + """
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: shop, namespace: web}
                spec:
                  ingressClassName: istio
                  tls:
                  - {hosts: [secure.example.com], secretName: secure-cert}
                  rules:
                  - host: secure.example.com
                    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: shop, port: {number: 80}}}}]}
                """);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> cluster.gateway.localPort(443) > 0);
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    @Test
    void theIngressHostAnswersOverHttpsWithItsCertificate() {
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() ->
                pki.curl("secure.example.com", cluster.gateway.localPort(443), "/").out().endsWith("200 2"));
        TestPki.Result curl = pki.curl("secure.example.com", cluster.gateway.localPort(443), "/orders");
        assertEquals("secure shop\n200 2", curl.out(), curl.all());
        TestPki.Result tls = pki.sClient(cluster.gateway.localPort(443), "secure.example.com");
        assertEquals("CN = secure.example.com, O = sockshop.inc", tls.subject(), tls.all());
        assertEquals(200, cluster.get("secure.example.com", "/").statusCode(), "and over plain HTTP on port 80");
    }
}
