package io.sluice.e2e;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.sluice.model.Json;
import io.sluice.model.registry.Workload;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** A direct-response backend like the book's Envoy dummy, counting the requests it answers. */
final class TestBackend implements AutoCloseable {

    /** What a request looked like on arrival: method, Host, path, x-forwarded-for. */
    record Seen(String method, String host, String path, String forwardedFor) {
    }

    private final WebServer server;
    final AtomicInteger requests = new AtomicInteger();
    final List<Seen> seen = new CopyOnWriteArrayList<>();

    private TestBackend(String contentType, Supplier<String> body) {
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(r -> r.any((req, res) -> {
                    seen.add(new Seen(req.prologue().method().text(),
                            req.headers().first(HeaderNames.HOST).orElse(null), req.path().rawPath(),
                            req.headers().first(HeaderNames.X_FORWARDED_FOR).orElse(null)));
                    requests.incrementAndGet();
                    res.header("Content-Type", contentType).send(body.get());
                }))
                .build().start();
    }

    static TestBackend start(String body) {
        return new TestBackend("text/plain", () -> body);
    }

    /** A backend whose body is computed per request, e.g. JSON with a timestamp in it. */
    static TestBackend start(String contentType, Supplier<String> body) {
        return new TestBackend(contentType, body);
    }

    int port() {
        return server.port();
    }

    void register(String registryUrl, String service, String namespace, String... labels) {
        Map<String, String> l = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            l.put(labels[i], labels[i + 1]);
        }
        var res = SluiceCluster.send(HttpRequest.newBuilder(URI.create(registryUrl + "/v1/workloads"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(
                        new Workload(service, namespace, "127.0.0.1", port(), 80, l))))
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
