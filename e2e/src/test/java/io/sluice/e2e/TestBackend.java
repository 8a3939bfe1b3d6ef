package io.sluice.e2e;

import io.helidon.webserver.WebServer;
import io.sluice.model.Json;
import io.sluice.model.registry.Workload;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A direct-response backend like the book's Envoy dummy, counting the requests it answers. */
final class TestBackend implements AutoCloseable {

    private final WebServer server;
    final AtomicInteger requests = new AtomicInteger();

    private TestBackend(String body) {
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.any((req, res) -> {
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
        register(registryUrl, port(), service, namespace, labels);
    }

    /** Registers any loopback port as a workload of a service (labels as key, value, key, value …). */
    static void register(String registryUrl, int port, String service, String namespace, String... labels) {
        Map<String, String> l = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            l.put(labels[i], labels[i + 1]);
        }
        var res = SluiceCluster.send(HttpRequest.newBuilder(URI.create(registryUrl + "/v1/workloads"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(
                        new Workload(service, namespace, "127.0.0.1", port, 80, l))))
                .build());
        if (res.statusCode() != 200) {
            throw new IllegalStateException("registration failed: " + res.statusCode() + " " + res.body());
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
