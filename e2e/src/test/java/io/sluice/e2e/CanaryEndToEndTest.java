package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.BookFiles;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The book's canary (4a) through config-service, Kafka, registry-service and a gateway node. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CanaryEndToEndTest {

    static final String V1 = "Bootstrap Service Mesh Implementation with Istio";
    static final String V2 = "V2----------Bootstrap Service Mesh Implementation with Istio----------V2";

    static SluiceCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new SluiceCluster("canary");
        cluster.backend(V1, "envoydummy", "chapter4", "version", "v1");
        cluster.backend(V2, "envoydummy", "chapter4", "version", "v2");
        for (String f : new String[] {"01-envoy-proxy.yaml", "02-envoy-proxy.yaml", "4a-istio-gateway.yaml"}) {
            HttpResponse<String> res = cluster.apply(BookFiles.read(f));
            assertEquals(200, res.statusCode(), f + ": " + res.body());
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> cluster.get("mockshop.com", "/").statusCode() == 200
                        && v1Share(20) < 1.0 && v1Share(60) > 0.0);
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    static double v1Share(int requests) {
        int v1 = 0;
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> res = cluster.get("mockshop.com", "/");
            assertEquals(200, res.statusCode(), res.body());
            if (res.body().equals(V1)) {
                v1++;
            } else {
                assertEquals(V2, res.body());
            }
        }
        return v1 / (double) requests;
    }

    @Test
    @Order(1)
    void splitsMockshopTenNinety() {
        double share = v1Share(1000);
        assertTrue(share >= 0.07 && share <= 0.13, "v1 share " + share);
    }

    @Test
    @Order(2)
    void unknownHostIsNotFound() {
        HttpResponse<String> res = cluster.get("other.com", "/");
        assertEquals(404, res.statusCode());
        assertEquals("", res.body());
    }

    @Test
    @Order(3)
    void newWeightsAreServedWithoutRestart() {
        String fiftyFifty = BookFiles.read("4a-istio-gateway.yaml")
                .replace("weight: 10", "weight: 50").replace("weight: 90", "weight: 50");
        long incremental = cluster.gateway.routes().incrementalCompiles();
        HttpResponse<String> res = cluster.apply(fiftyFifty);
        assertEquals(200, res.statusCode(), res.body());
        assertTrue(res.body().contains("\"configured\""), res.body());
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> v1Share(200) > 0.35);
        double share = v1Share(1000);
        assertTrue(share >= 0.45 && share <= 0.55, "v1 share " + share);
        assertTrue(cluster.gateway.routes().incrementalCompiles() > incremental,
                "a change to one VirtualService recompiles only that VirtualService");
    }

    @Test
    @Order(4)
    void restartedGatewayServesTheSameRoutesFromKafka() {
        long revision = cluster.gateway.routes().current().configRevision();
        cluster.restartGateway();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> cluster.gateway.ready());
        assertEquals(revision, cluster.gateway.routes().current().configRevision());
        double share = v1Share(400);
        assertTrue(share >= 0.4 && share <= 0.6, "v1 share " + share);
    }
}
