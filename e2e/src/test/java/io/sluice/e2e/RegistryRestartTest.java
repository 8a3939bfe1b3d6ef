package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.model.Json;
import io.sluice.model.net.ResolveOverrides;
import io.sluice.registry.RegistryOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** registry-service keeps no state of its own: restarted, it rebuilds everything from Kafka. */
class RegistryRestartTest {

    static final Duration TTL = Duration.ofSeconds(3);

    static SluiceCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new SluiceCluster("registry-restart", RegistryOptions.defaults().withTtl(TTL),
                ResolveOverrides.none());
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    /** Service host → the workload ids of its endpoints, as registry-service publishes them. */
    static Map<String, Set<String>> published() {
        String body = SluiceCluster.send(HttpRequest.newBuilder(URI.create(cluster.registryUrl() + "/v1/services"))
                .GET().build()).body();
        Map<String, Set<String>> out = new TreeMap<>();
        try {
            for (JsonNode s : Json.MAPPER.readTree(body)) {
                Set<String> ids = new TreeSet<>();
                s.path("endpoints").forEach(e -> ids.add(e.path("workload").asText()));
                out.put(s.path("host").asText(), ids);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return out;
    }

    static String id(TestBackend b) {
        return "shop/details/127.0.0.1:" + b.port();
    }

    @Test
    void aRestartedRegistryLosesNothingAndStillExpiresSilentWorkloads() {
        TestBackend a = cluster.backend("a", "details", "shop", "version", "v1");
        TestBackend b = cluster.backend("b", "details", "shop", "version", "v2");
        TestBackend silent = cluster.backend("silent", "details", "shop", "version", "v3");
        String host = "details.shop.svc.cluster.local";
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> Set.of(id(a), id(b), id(silent)).equals(published().get(host)));
        silent.stopHeartbeats();
        long silentSince = System.nanoTime();

        cluster.restartRegistry();
        assertTrue(published().get(host).containsAll(Set.of(id(a), id(b))), published()::toString);

        // the silent workload still leaves within its TTL, counted from before the restart
        Awaitility.await().atMost(TTL.plusSeconds(5)).pollInterval(Duration.ofMillis(20))
                .until(() -> Set.of(id(a), id(b)).equals(published().get(host)));
        Duration gone = Duration.ofNanos(System.nanoTime() - silentSince);
        assertTrue(gone.compareTo(TTL.plusSeconds(1)) < 0, "left after " + gone);
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> !cluster.gateway.routes().current().dump().contains(":" + silent.port()));

        // heartbeats of the live workloads cause no further registry writes
        long revision = cluster.gateway.routes().current().registryRevision();
        Awaitility.await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> cluster.gateway.routes().current().registryRevision() == revision);
        assertEquals(Set.of(id(a), id(b)), published().get(host));
    }
}
