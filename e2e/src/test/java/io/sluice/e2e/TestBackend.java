package io.sluice.e2e;

import io.helidon.webserver.WebServer;
import io.sluice.model.Json;
import io.sluice.model.registry.Workload;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A direct-response backend like the book's Envoy dummy, counting the requests it answers. Once
 * registered it heartbeats (re-registers) every {@link #HEARTBEAT} as a real workload does, until
 * {@link #stopHeartbeats()} or close. {@code /healthz} answers 200 or 503 as {@link #healthy} says and
 * is not counted.
 */
final class TestBackend implements AutoCloseable {

    /** Well inside half of any TTL the tests use. */
    static final Duration HEARTBEAT = Duration.ofMillis(500);

    private final WebServer server;
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("test-backend-heartbeat").daemon().factory());
    final AtomicInteger requests = new AtomicInteger();
    volatile boolean healthy = true;

    private TestBackend(String body) {
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.get("/healthz", (req, res) -> res.status(healthy ? 200 : 503).send())
                        .any((req, res) -> {
                            requests.incrementAndGet();
                            res.header("Content-Type", "text/plain").send(body);
                        }))
                .build().start();
    }

    static TestBackend start(String body) {
        return new TestBackend(body);
    }

    int port() {
        return server.port();
    }

    void register(String registryUrl, String service, String namespace, String... labels) {
        Map<String, String> l = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            l.put(labels[i], labels[i + 1]);
        }
        HttpRequest register = HttpRequest.newBuilder(URI.create(registryUrl + "/v1/workloads"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(
                        new Workload(service, namespace, "127.0.0.1", port(), 80, l))))
                .build();
        var res = SluiceCluster.send(register);
        if (res.statusCode() != 200) {
            throw new IllegalStateException("registration failed: " + res.statusCode() + " " + res.body());
        }
        heartbeats.scheduleWithFixedDelay(() -> {
            try {
                SluiceCluster.send(register);
            } catch (RuntimeException e) {
                // the registry may be restarting; the next heartbeat tries again
            }
        }, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Goes silent as a crashed workload would: no more heartbeats, no deregistration. Returns once a
     * heartbeat in flight has finished, so none reaches the registry afterwards.
     */
    void stopHeartbeats() {
        heartbeats.shutdown();
        try {
            heartbeats.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        heartbeats.shutdownNow();
        server.stop();
    }
}
