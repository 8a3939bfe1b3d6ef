package io.sluice.routing;

import static io.sluice.routing.TestSnapshots.apply;
import static io.sluice.routing.TestSnapshots.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.model.istio.Destination;
import io.sluice.model.istio.PortSelector;
import io.sluice.model.registry.Endpoint;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.model.registry.ServicePort;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** DestinationRule {@code tls} read into clusters: precedence, credentials, and failing closed. */
class UpstreamTlsTest {

    static final ServiceEndpoints API = new ServiceEndpoints(1, "api.example.com", "chapter4", "ServiceEntry",
            List.of(new ServicePort(80, "http", "HTTP"), new ServicePort(443, "https", "HTTPS")), "MESH_EXTERNAL",
            "DNS", List.of(new Endpoint("api.example.com", Map.of(80, 80, 443, 443), Map.of("v", "1"), true, null)));

    static final String RULE = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: api, namespace: chapter4}
            spec:
              host: api.example.com
              trafficPolicy:
                tls: {mode: SIMPLE, sni: rule.example}
                portLevelSettings:
                - port: {number: 443}
                  tls: {mode: SIMPLE, sni: rule-port.example}
              subsets:
              - name: s
                labels: {v: "1"}
                trafficPolicy:
                  tls: {mode: SIMPLE, sni: subset.example}
                  portLevelSettings:
                  - port: {number: 443}
                    tls: {mode: SIMPLE, sni: subset-port.example}
              - name: plain
                trafficPolicy:
                  tls: {mode: DISABLE}
            """;

    static Cluster cluster(List<io.sluice.model.Resource> resources, String subset, int port) {
        ServiceDirectory d = new ServiceDirectory(Map.of(API.host(), API),
                snapshot(resources).ofKind(io.sluice.model.ResourceKind.DESTINATION_RULE),
                snapshot(resources).ofKind(io.sluice.model.ResourceKind.SECRET), Map.of());
        return d.cluster(new Destination("api.example.com", subset, new PortSelector(port)), "chapter4");
    }

    @ParameterizedTest(name = "subset {0} port {1} -> sni {2}")
    @CsvSource(nullValues = "none", value = {
            "none, 80, rule.example",
            "none, 443, rule-port.example",
            "s, 80, subset.example",
            "s, 443, subset-port.example",
            "plain, 443, none"})
    void mostSpecificSettingWins(String subset, int port, String sni) {
        UpstreamTls tls = cluster(apply(RULE), subset, port).tls();
        assertEquals(sni, tls == null ? null : tls.sni());
    }

    @Test
    void mutualTakesTheClientCredentialFromTheGatewaysNamespace() {
        Cluster c = cluster(apply("""
                apiVersion: v1
                kind: Secret
                metadata: {name: client, namespace: istio-system}
                type: kubernetes.io/tls
                data: {tls.crt: Q0VSVA==, tls.key: S0VZ, ca.crt: Q0E=}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: api, namespace: chapter4}
                spec:
                  host: api.example.com
                  trafficPolicy: {tls: {mode: MUTUAL, credentialName: client, subjectAltNames: [api.example.com]}}
                """), null, 443);
        assertTrue(c.tls().mutual());
        assertEquals("CERT", c.tls().certificateChain());
        assertEquals("KEY", c.tls().privateKey());
        assertEquals("CA", c.tls().caCertificates());
        assertEquals(List.of("api.example.com"), c.tls().subjectAltNames());
        assertFalse(c.tls().toString().contains("KEY"), "the key never shows in logs or dumps");
        assertTrue(c.hasEndpoints());
    }

    @Test
    void readsCaCertificatesFromAFile(@TempDir Path dir) throws Exception {
        Path ca = dir.resolve("ca.crt");
        Files.writeString(ca, "PEM");
        Cluster c = cluster(apply("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: api, namespace: chapter4}
                spec:
                  host: api.example.com
                  trafficPolicy: {tls: {mode: SIMPLE, caCertificates: %s}}
                """.formatted(ca)), null, 443);
        assertEquals("PEM", c.tls().caCertificates());
        assertNull(c.tls().certificateChain());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "a missing credential|{mode: MUTUAL, credentialName: nowhere}",
            "MUTUAL without a client certificate|{mode: MUTUAL, caCertificates: /dev/null}",
            "an unreadable CA file|{mode: SIMPLE, caCertificates: /nonexistent/ca.crt}",
            "ISTIO_MUTUAL without a mesh CA|{mode: ISTIO_MUTUAL}"})
    void tlsThatCannotBeHonouredFailsClosed(String why, String tls) {
        Cluster c = cluster(apply("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: api, namespace: chapter4}
                spec:
                  host: api.example.com
                  trafficPolicy: {tls: %s}
                """.formatted(tls)), null, 443);
        assertFalse(c.hasEndpoints(), why + ": no plain-text fallback");
        assertNull(c.tls());
    }
}
