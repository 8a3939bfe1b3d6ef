package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.BookFiles;
import io.sluice.testing.KafkaFixture;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * With the broker gone the data plane keeps its last routes, writes fail cleanly, and all recovers.
 * Runs after the other classes of this JVM, since it stops the broker they share.
 */
@Order(Integer.MAX_VALUE)
class StaticStabilityTest {

    static SluiceCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new SluiceCluster("stability");
        cluster.backend(CanaryEndToEndTest.V1, "envoydummy", "chapter4", "version", "v1");
        for (String f : new String[] {"01-envoy-proxy.yaml", "3-istio-gateway.yaml"}) {
            assertEquals(200, cluster.apply(BookFiles.read(f)).statusCode());
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> cluster.get("mockshop.com", "/").statusCode() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    @Test
    void keepsServingAndRefusesWritesWhileKafkaIsDownThenRecovers() {
        long revision = cluster.gateway.routes().current().configRevision();
        KafkaFixture.stopBroker();
        try {
            for (int i = 0; i < 50; i++) {
                HttpResponse<String> res = cluster.get("mockshop.com", "/anything");
                assertEquals(200, res.statusCode());
                assertEquals(CanaryEndToEndTest.V1, res.body());
            }
            String changed = BookFiles.read("3-istio-gateway.yaml").replace("prefix: /", "prefix: /changed");
            HttpResponse<String> refused = cluster.apply(changed);
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("Kafka"), refused.body());
            assertEquals(revision, cluster.gateway.routes().current().configRevision());
        } finally {
            KafkaFixture.restartBroker();
        }
        // nothing of the refused write was published: the old routes still answer everything
        assertEquals(200, cluster.get("mockshop.com", "/anything").statusCode());
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> cluster.apply(BookFiles.read("4a-istio-gateway.yaml")).statusCode() == 200);
        Awaitility.await().atMost(Duration.ofSeconds(30))
                .until(() -> cluster.get("sockshop.com", "/").statusCode() == 404);
        assertTrue(cluster.gateway.routes().current().configRevision() > revision);
    }
}
