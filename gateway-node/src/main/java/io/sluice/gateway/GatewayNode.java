package io.sluice.gateway;

import io.helidon.webserver.WebServer;
import io.sluice.gateway.proxy.ListenerManager;
import io.sluice.gateway.routing.RouteTableSource;
import io.sluice.gateway.status.StatusEndpoints;
import io.sluice.kafka.CompactedTopicStore;
import io.sluice.kafka.KafkaSettings;
import io.sluice.kafka.TopicAdmin;
import io.sluice.model.Json;
import io.sluice.model.Resource;
import io.sluice.model.net.ResolveOverrides;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.routing.NodeIdentity;
import java.time.Duration;
import java.util.function.IntUnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/**
 * One gateway node: reads the config and registry topics into a route table and serves it. The same
 * binary runs as ingress gateway, egress gateway or mesh outbound proxy, told apart by its
 * {@link NodeIdentity}.
 */
public final class GatewayNode implements AutoCloseable {

    static final int CONFIG_FETCH_WAIT_MS = 5;

    private final CompactedTopicStore<Resource> config;
    private final CompactedTopicStore<ServiceEndpoints> registry;
    private final RouteTableSource routes;
    private final ListenerManager listeners;
    private final WebServer status;

    private GatewayNode(CompactedTopicStore<Resource> config, CompactedTopicStore<ServiceEndpoints> registry,
                        RouteTableSource routes, ListenerManager listeners, WebServer status) {
        this.config = config;
        this.registry = registry;
        this.routes = routes;
        this.listeners = listeners;
        this.status = status;
    }

    /**
     * @param localPort  maps a Gateway server port to the local port (ingress: {@code p -> p + 8000})
     * @param statusPort health, routes dump and metrics ({@code /healthz/ready}); 0 picks a free port
     */
    public static GatewayNode start(KafkaSettings kafka, NodeIdentity node, String host, IntUnaryOperator localPort,
                                    int statusPort) {
        return start(kafka, node, host, localPort, statusPort, ResolveOverrides.none());
    }

    /** @param resolve name-resolution overrides ({@code --resolve-file}) used when connecting upstream */
    public static GatewayNode start(KafkaSettings kafka, NodeIdentity node, String host, IntUnaryOperator localPort,
                                    int statusPort, ResolveOverrides resolve) {
        TopicAdmin.ensureTopics(kafka, Duration.ofMinutes(2));
        String client = "sluice-gateway-" + node.id();
        CompactedTopicStore<Resource> config = new CompactedTopicStore<>(kafka, kafka.topics().config(),
                client + "-config", configFetchWait(kafka), (k, v, offset) -> Json.fromRecord(v, offset));
        CompactedTopicStore<ServiceEndpoints> registry = new CompactedTopicStore<>(kafka, kafka.topics().registry(),
                client + "-registry", (k, v, offset) -> Json.read(v, ServiceEndpoints.class));
        ListenerManager[] holder = new ListenerManager[1];
        RouteTableSource routes = new RouteTableSource(config, registry, node, t -> holder[0].reconcile(t));
        holder[0] = new ListenerManager(host, localPort, routes::current, resolve);
        WebServer status = WebServer.builder().host(host).port(statusPort)
                .routing(r -> new StatusEndpoints(node, routes).routing(r))
                .build().start();
        config.start();
        registry.start();
        return new GatewayNode(config, registry, routes, holder[0], status);
    }

    /**
     * How long the broker may hold the config view's empty fetch. Config is written in transactions,
     * and a read_committed fetch waiting on the broker is not answered when the commit marker makes the
     * records visible, only when fetch.max.wait.ms runs out (500 ms by default): that wait would be the
     * propagation time of every apply. A node fetches at most every {@value #CONFIG_FETCH_WAIT_MS} ms
     * while idle instead; a {@code fetch.max.wait.ms} in the Kafka properties file wins.
     */
    static Duration configFetchWait(KafkaSettings kafka) {
        return kafka.clientProperties().containsKey(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG)
                ? null : Duration.ofMillis(CONFIG_FETCH_WAIT_MS);
    }

    public boolean ready() {
        return routes.ready();
    }

    public int statusPort() {
        return status.port();
    }

    /** The local port serving a Gateway server port, or -1 when the table has no such server. */
    public int localPort(int gatewayPort) {
        return listeners.localPort(gatewayPort);
    }

    public RouteTableSource routes() {
        return routes;
    }

    @Override
    public void close() {
        status.stop();
        listeners.close();
        routes.close();
        config.close();
        registry.close();
    }
}
