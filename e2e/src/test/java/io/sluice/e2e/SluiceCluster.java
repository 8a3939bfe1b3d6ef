package io.sluice.e2e;

import io.sluice.config.ConfigService;
import io.sluice.gateway.GatewayNode;
import io.sluice.gateway.GatewayOptions;
import io.sluice.gateway.accesslog.AccessLog;
import io.sluice.kafka.KafkaSettings;
import io.sluice.kafka.Topics;
import io.sluice.model.net.ResolveOverrides;
import io.sluice.registry.RegistryOptions;
import io.sluice.kafka.secrets.SecretKeys;
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
import java.util.function.IntFunction;
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
    private final AccessLog accessLog;
    private final List<AutoCloseable> extras = new ArrayList<>();
    private final RegistryOptions registryOptions;
    private final ResolveOverrides resolve;

    SluiceCluster(String name) {
        this(name, RegistryOptions.defaults(), ResolveOverrides.none(), null);
    }

    /** With the gateway's access log going to {@code accessLog} (null: none). */
    SluiceCluster(String name, AccessLog accessLog) {
        this(name, RegistryOptions.defaults(), ResolveOverrides.none(), accessLog);
    }

    SluiceCluster(String name, RegistryOptions registryOptions, ResolveOverrides resolve) {
        this(name, registryOptions, resolve, null);
    }

    /** @param resolve the gateway's name-resolution overrides (the registry reads its own file) */
    SluiceCluster(String name, RegistryOptions registryOptions, ResolveOverrides resolve, AccessLog accessLog) {
        this.registryOptions = registryOptions;
        this.resolve = resolve;
        this.accessLog = accessLog;
        kafka = KafkaSettings.of(KafkaFixture.bootstrapServers())
                .withTopics(Topics.withPrefix(KafkaFixture.uniquePrefix(name)))
                .withSecretKeys(SecretKeys.parse(List.of(SecretKeys.newKeyLine("test-1")), "test key"));
        config = ConfigService.start(kafka, "127.0.0.1", 0, null);
        registry = RegistryService.start(kafka, "127.0.0.1", 0, null, registryOptions);
        gateway = startGateway();
        // the services read their topics in parallel; one message names the part that is not ready
        Awaitility.await("config-service ready").atMost(Duration.ofSeconds(60)).until(config::ready);
        Awaitility.await("registry-service ready").atMost(Duration.ofSeconds(60)).until(registry::ready);
        Awaitility.await("gateway ready").atMost(Duration.ofSeconds(60)).until(gateway::ready);
    }

    GatewayNode startGateway() {
        return GatewayNode.start(kafka, NodeIdentity.ingress("ingress-test"),
                GatewayOptions.local().withResolve(resolve).withAccessLog(accessLog));
    }

    /** Stops registry-service and starts a new one on the same port, with nothing but Kafka to go on. */
    void restartRegistry() {
        int port = registry.port();
        registry.close();
        registry = RegistryService.start(kafka, "127.0.0.1", port, null, registryOptions);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(registry::ready);
    }

    /** Another gateway node (egress, mesh …) on this cluster's topics, closed with the cluster. */
    GatewayNode startNode(NodeIdentity node, java.util.function.IntUnaryOperator localPort) {
        GatewayNode n = GatewayNode.start(kafka, node, GatewayOptions.local().withPorts(localPort, 0));
        extras.add(n);
        Awaitility.await(node.id() + " ready").atMost(Duration.ofSeconds(30)).until(n::ready);
        return n;
    }

    /**
     * Applies YAML and fails unless config-service accepted it. A 503 ("nothing was written") is
     * retried for a while: on a loaded machine config-service may briefly not reach Kafka in time.
     */
    void applyOk(String yaml) {
        var last = new java.util.concurrent.atomic.AtomicReference<HttpResponse<String>>();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    last.set(apply(yaml));
                    return last.get().statusCode() != 503;
                });
        if (last.get().statusCode() != 200) {
            throw new IllegalStateException("apply refused: " + last.get().statusCode() + " " + last.get().body());
        }
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
        return register(TestBackend.start(body), service, namespace, labels);
    }

    /** Registers a started backend as an instance of {@code service} and stops it with the cluster. */
    TestBackend register(TestBackend b, String service, String namespace, String... labels) {
        b.register(registryUrl(), service, namespace, labels);
        extras.add(b);
        return b;
    }

    /** A misbehaving backend registered as a workload of a service. */
    FlakyBackend flaky(IntFunction<FlakyBackend.Act> behaviour, String service, String namespace, String... labels)
            throws IOException {
        FlakyBackend b = new FlakyBackend(behaviour);
        TestBackend.register(registryUrl(), b.port(), service, namespace, labels);
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
