package io.sluice.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.kafka.CompactedTopicStore;
import io.sluice.kafka.KafkaSettings;
import io.sluice.kafka.Topics;
import io.sluice.model.Json;
import io.sluice.model.registry.Workload;
import io.sluice.testing.KafkaFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** registry-service over real HTTP on a real broker, with a write token configured. */
class RegistryServiceTest {

    private static final String TOKEN = "s3cret-token";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static KafkaSettings kafka;
    static RegistryService registry;
    static CompactedTopicStore<Registration> workloads;

    @BeforeAll
    static void start() {
        kafka = KafkaSettings.of(KafkaFixture.bootstrapServers())
                .withTopics(Topics.withPrefix(KafkaFixture.uniquePrefix("registry-service")));
        registry = RegistryService.start(kafka, "127.0.0.1", 0, TOKEN, RegistryOptions.defaults());
        workloads = new CompactedTopicStore<>(kafka, kafka.topics().workloads(), "test-workloads",
                (k, v, offset) -> Json.read(v, Registration.class)).start();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> registry.ready() && workloads.ready());
    }

    @AfterAll
    static void stop() {
        workloads.close();
        registry.close();
    }

    static HttpResponse<String> send(String method, String path, Workload w, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + registry.port() + path))
                .method(method, w == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(Json.write(w)));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anUnauthenticatedWorkloadCannotRegisterIntoAService() throws Exception {
        Workload intruder = new Workload("payments", "shop", "127.0.0.1", 6666, 80, Map.of());
        HttpResponse<String> none = send("POST", "/v1/workloads", intruder, null);
        assertEquals(401, none.statusCode());
        assertTrue(none.body().contains("\"reason\":\"Unauthorized\""), none.body());
        assertFalse(none.body().contains(TOKEN));
        assertEquals(401, send("POST", "/v1/workloads", intruder, "Bearer wrong").statusCode());
        assertEquals(401, send("POST", "/v1/workloads", intruder, TOKEN).statusCode()); // no "Bearer "

        // a workload with the token gets in; the intruder never did
        Workload legit = new Workload("payments", "shop", "127.0.0.1", 7777, 80, Map.of());
        assertEquals(200, send("POST", "/v1/workloads", legit, "Bearer " + TOKEN).statusCode());
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> send("GET", "/v1/services", null, null).body().contains(legit.id()));
        String services = send("GET", "/v1/services", null, null).body();
        assertFalse(services.contains(intruder.id()), services);
        assertFalse(workloads.snapshot().entries().containsKey(intruder.id()));

        // nor can anyone remove it without the token
        assertEquals(401, send("DELETE", "/v1/workloads", legit, null).statusCode());
        assertTrue(workloads.readToEnd().thenApply(x -> workloads.snapshot().entries().containsKey(legit.id()))
                .get(10, TimeUnit.SECONDS));
    }

    @Test
    void aRegistrationsWeightReachesItsEndpointAndAWeightBelowOneIsRefusedByName() throws Exception {
        HttpResponse<String> zero = send("POST", "/v1/workloads",
                new Workload("orders", "shop", "127.0.0.1", 5555, 80, Map.of(), 0), "Bearer " + TOKEN);
        assertEquals(400, zero.statusCode());
        assertTrue(zero.body().contains("weight: must be at least 1"), zero.body());

        Workload heavy = new Workload("orders", "shop", "127.0.0.1", 5556, 80, Map.of(), 3);
        assertEquals(200, send("POST", "/v1/workloads", heavy, "Bearer " + TOKEN).statusCode());
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> send("GET", "/v1/services", null, null).body().contains(heavy.id()));
        String services = send("GET", "/v1/services", null, null).body();
        assertTrue(services.matches("(?s).*\"workload\":\"" + heavy.id() + "\",\"weight\":3.*"), services);
        assertFalse(services.contains("127.0.0.1:5555"), services);
    }

    @Test
    void heartbeatsWithinHalfATtlWriteNoRecord() throws Exception {
        Workload w = new Workload("cart", "shop", "127.0.0.1", 8888, 80, Map.of());
        HttpResponse<String> first = send("POST", "/v1/workloads", w, "Bearer " + TOKEN);
        assertEquals(200, first.statusCode());
        assertTrue(first.body().contains("\"ttlSeconds\":10"), first.body());
        long revision = workloads.readToEnd().get(10, TimeUnit.SECONDS);
        assertTrue(workloads.snapshot().entries().containsKey(w.id()));
        for (int i = 0; i < 5; i++) {
            assertEquals(200, send("POST", "/v1/workloads", w, "Bearer " + TOKEN).statusCode());
        }
        assertEquals(revision, workloads.readToEnd().get(10, TimeUnit.SECONDS));

        // a changed registration is written at once
        Workload relabelled = new Workload("cart", "shop", "127.0.0.1", 8888, 80, Map.of("version", "v2"));
        assertEquals(200, send("POST", "/v1/workloads", relabelled, "Bearer " + TOKEN).statusCode());
        assertTrue(workloads.readToEnd().get(10, TimeUnit.SECONDS) > revision);
        assertEquals(relabelled, workloads.snapshot().entries().get(w.id()).workload());
    }
}
