package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.config.ConfigService;
import io.sluice.kafka.KafkaSettings;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two config-service replicas on the same topics: resourceVersion preconditions hold across them,
 * because both write through one transactional id and Kafka fences all but the latest holder.
 */
class OptimisticConcurrencyTest {

    static final String PATH = "/apis/networking.istio.io/v1/namespaces/race/virtualservices/shop";

    static KafkaSettings kafka;
    static ConfigService a;
    static ConfigService b;

    @BeforeAll
    static void start() {
        kafka = ConfigApiSupport.topics("race");
        a = ConfigApiSupport.start(kafka, null);
        b = ConfigApiSupport.start(kafka, null);
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
    }

    static String vs(String version, String resourceVersion) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: shop, namespace: race%s}
                spec:
                  hosts: [shop.example.com]
                  http:
                  - route: [{destination: {host: shop-%s.example.com}}]
                """.formatted(resourceVersion == null ? "" : ", resourceVersion: \"" + resourceVersion + "\"", version);
    }

    static JsonNode put(ConfigService s, String path, String yaml, int expected) {
        HttpResponse<String> res = ConfigApiSupport.request("PUT", ConfigApiSupport.url(s) + path, yaml, null);
        assertEquals(expected, res.statusCode(), res.body());
        return ConfigApiSupport.json(res);
    }

    @Test
    void twentyWritersOnOneVersionAcrossTwoReplicasExactlyOneWins() throws Exception {
        String rv = put(a, PATH, vs("start", null), 201).path("metadata").path("resourceVersion").asText();
        int writers = 20;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            for (int i = 0; i < writers; i++) {
                ConfigService target = i % 2 == 0 ? a : b;
                String yaml = vs("w" + i, rv);
                results.add(pool.submit(() -> {
                    go.await();
                    return ConfigApiSupport.request("PUT", ConfigApiSupport.url(target) + PATH, yaml, null);
                }));
            }
            go.countDown();
        }
        List<String> winners = new ArrayList<>();
        int conflicts = 0;
        for (int i = 0; i < writers; i++) {
            HttpResponse<String> res = results.get(i).get();
            if (res.statusCode() == 200) {
                winners.add("shop-w" + i + ".example.com");
            } else {
                assertEquals(409, res.statusCode(), res.body());
                conflicts++;
            }
        }
        assertEquals(1, winners.size(), "winners: " + winners);
        assertEquals(writers - 1, conflicts);
        String winner = winners.getFirst();
        for (ConfigService s : List.of(a, b)) {
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(winner,
                    get(s).path("spec").path("http").path(0).path("route").path(0).path("destination").path("host")
                            .asText()));
        }
    }

    @Test
    void staleResourceVersionIsRefusedOnEitherReplicaAndCreationTimestampSurvives() {
        String path = PATH.replace("/shop", "/stale");
        JsonNode created = put(a, path, vs("one", null).replace("name: shop", "name: stale"), 201);
        String rv1 = created.path("metadata").path("resourceVersion").asText();
        HttpResponse<String> updated = ConfigApiSupport.request("PUT", ConfigApiSupport.url(b) + path,
                vs("two", rv1).replace("name: shop", "name: stale"), null);
        assertEquals(200, updated.statusCode(), updated.body());
        JsonNode u = ConfigApiSupport.json(updated).path("metadata");
        assertNotEquals(rv1, u.path("resourceVersion").asText());
        assertEquals(created.path("metadata").path("creationTimestamp").asText(), u.path("creationTimestamp").asText());
        assertEquals(created.path("metadata").path("uid").asText(), u.path("uid").asText());
        assertEquals(2, u.path("generation").asInt());
        for (ConfigService s : List.of(a, b)) {
            HttpResponse<String> stale = ConfigApiSupport.request("PUT", ConfigApiSupport.url(s) + path,
                    vs("three", rv1).replace("name: shop", "name: stale"), null);
            assertEquals(409, stale.statusCode(), stale.body());
        }
    }

    static JsonNode get(ConfigService s) {
        return ConfigApiSupport.json(ConfigApiSupport.request("GET", ConfigApiSupport.url(s) + PATH, null, null));
    }
}
