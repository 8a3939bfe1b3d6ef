package io.sluice.e2e;

import io.sluice.config.ConfigService;
import io.sluice.gateway.GatewayNode;
import io.sluice.kafka.KafkaSettings;
import io.sluice.kafka.Topics;
import io.sluice.model.net.ResolveOverrides;
import io.sluice.registry.RegistryOptions;
import io.sluice.registry.RegistryService;
import io.sluice.routing.NodeIdentity;
import io.sluice.testing.KafkaFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;

/**
 * config-service, registry-service and an ingress gateway node, in this JVM but on real sockets and
 * the shared real broker, with topics of their own so tests do not see each other.
 */
final class SluiceCluster implements AutoCloseable {

    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final KafkaSettings kafka;
    final ConfigService config;
    RegistryService registry;
    GatewayNode gateway;
    private final List<AutoCloseable> extras = new ArrayList<>();
    private final RegistryOptions registryOptions;
    private final ResolveOverrides resolve;

    SluiceCluster(String name) {
        this(name, RegistryOptions.defaults(), ResolveOverrides.none());
    }

    /** @param resolve the gateway's name-resolution overrides (the registry reads its own file) */
    SluiceCluster(String name, RegistryOptions registryOptions, ResolveOverrides resolve) {
        this.registryOptions = registryOptions;
        this.resolve = resolve;
        kafka = KafkaSettings.of(KafkaFixture.bootstrapServers())
                .withTopics(Topics.withPrefix(KafkaFixture.uniquePrefix(name)));
        config = ConfigService.start(kafka, "127.0.0.1", 0, null);
        registry = RegistryService.start(kafka, "127.0.0.1", 0, null, registryOptions);
        gateway = startGateway();
        Awaitility.await("config " + config.ready() + ", registry " + registry.ready() + ", gateway "
                        + gateway.ready()).atMost(Duration.ofSeconds(30))
                .until(() -> config.ready() && registry.ready() && gateway.ready());
    }

    GatewayNode startGateway() {
        return GatewayNode.start(kafka, NodeIdentity.ingress("ingress-test"), "127.0.0.1", p -> 0, 0, resolve);
    }

    /** Stops registry-service and starts a new one on the same port, with nothing but Kafka to go on. */
    void restartRegistry() {
        int port = registry.port();
        registry.close();
        registry = RegistryService.start(kafka, "127.0.0.1", port, null, registryOptions);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(registry::ready);
    }

    void restartGateway() {
        gateway.close();
        gateway = startGateway();
    }

    String configUrl() {
        return "http://127.0.0.1:" + config.port();
    }

    String registryUrl() {
        return "http://127.0.0.1:" + registry.port();
    }

    /** POSTs YAML to /apply; returns the response. */
    HttpResponse<String> apply(String yaml) {
        return send(HttpRequest.newBuilder(URI.create(configUrl() + "/apply"))
                .POST(HttpRequest.BodyPublishers.ofString(yaml)).build());
    }

    TestBackend backend(String body, String service, String namespace, String... labels) {
        TestBackend b = TestBackend.start(body);
        b.register(registryUrl(), service, namespace, labels);
        extras.add(b);
        return b;
    }

    /** A request to the gateway's port 80 server with the given Host. */
    HttpResponse<String> get(String host, String path) {
        int port = gateway.localPort(80);
        if (port < 0) {
            throw new IllegalStateException("the gateway has no port 80 server (yet)");
        }
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Host", host).GET().build());
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : extras) {
            c.close();
        }
        gateway.close();
        registry.close();
        config.close();
    }
}
