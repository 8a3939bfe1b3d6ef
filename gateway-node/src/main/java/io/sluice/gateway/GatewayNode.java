package io.sluice.gateway;

import io.helidon.webserver.WebServer;
import io.sluice.gateway.mesh.MeshProxy;
import io.sluice.gateway.passthrough.PassthroughListeners;
import io.sluice.gateway.passthrough.SniForwarder;
import io.sluice.gateway.proxy.ListenerManager;
import io.sluice.gateway.proxy.TrafficCounters;
import io.sluice.gateway.proxy.Upstreams;
import io.sluice.gateway.routing.RouteTableSource;
import io.sluice.gateway.status.StatusEndpoints;
import io.sluice.kafka.CompactedTopicStore;
import io.sluice.kafka.KafkaSettings;
import io.sluice.kafka.TopicAdmin;
import io.sluice.model.Json;
import io.sluice.model.Resource;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.routing.NodeIdentity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.function.IntUnaryOperator;

/**
 * One gateway node: reads the config and registry topics into a route table and serves it. The same
 * binary runs as ingress gateway, egress gateway or mesh outbound proxy, told apart by its
 * {@link NodeIdentity}.
 */
public final class GatewayNode implements AutoCloseable {

    private final CompactedTopicStore<Resource> config;
    private final CompactedTopicStore<ServiceEndpoints> registry;
    private final RouteTableSource routes;
    private final ListenerManager listeners;
    private final PassthroughListeners passthrough;
    private final MeshProxy mesh;
    private final Upstreams upstreams;
    private final WebServer status;

    private GatewayNode(CompactedTopicStore<Resource> config, CompactedTopicStore<ServiceEndpoints> registry,
                        RouteTableSource routes, ListenerManager listeners, PassthroughListeners passthrough,
                        MeshProxy mesh, Upstreams upstreams, WebServer status) {
        this.config = config;
        this.registry = registry;
        this.routes = routes;
        this.listeners = listeners;
        this.passthrough = passthrough;
        this.mesh = mesh;
        this.upstreams = upstreams;
        this.status = status;
    }

    /**
     * External names are resolved through the override file of {@code SLUICE_RESOLVE_FILE} (or the
     * {@code sluice.resolve.file} property), read once here.
     *
     * @param localPort  maps a Gateway server port to the local port (ingress: {@code p -> p + 8000}); a
     *                   mesh node applies it to {@link #MESH_PORT} for its proxy port
     * @param statusPort health, routes dump and metrics ({@code /healthz/ready}); 0 picks a free port
     */
    public static GatewayNode start(KafkaSettings kafka, NodeIdentity node, String host, IntUnaryOperator localPort,
                                    int statusPort) {
        return start(kafka, node, host, localPort, statusPort, Upstreams.fromEnvironment());
    }

    /** As {@link #start(KafkaSettings, NodeIdentity, String, IntUnaryOperator, int)}, with given upstream settings. */
    public static GatewayNode start(KafkaSettings kafka, NodeIdentity node, String host, IntUnaryOperator localPort,
                                    int statusPort, Upstreams upstreams) {
        TopicAdmin.ensureTopics(kafka, Duration.ofMinutes(2));
        String client = "sluice-gateway-" + node.id();
        CompactedTopicStore<Resource> config = new CompactedTopicStore<>(kafka, kafka.topics().config(),
                client + "-config", (k, v, offset) -> Json.fromRecord(v, offset));
        CompactedTopicStore<ServiceEndpoints> registry = new CompactedTopicStore<>(kafka, kafka.topics().registry(),
                client + "-registry", (k, v, offset) -> Json.read(v, ServiceEndpoints.class));
        ListenerManager[] listeners = new ListenerManager[1];
        PassthroughListeners[] passthrough = new PassthroughListeners[1];
        RouteTableSource routes = new RouteTableSource(config, registry, node, t -> {
            if (!node.mesh()) { // the mesh proxy serves every port on one socket and opens none per port
                listeners[0].reconcile(t);
                passthrough[0].reconcile(t);
            }
        });
        listeners[0] = new ListenerManager(host, localPort, routes::current, upstreams);
        passthrough[0] = new PassthroughListeners(host, localPort, new SniForwarder(routes::current, upstreams));
        MeshProxy mesh = null;
        if (node.mesh()) {
            try {
                mesh = MeshProxy.start(host, localPort.applyAsInt(MESH_PORT), routes::current, upstreams);
            } catch (IOException e) {
                routes.close();
                throw new UncheckedIOException("cannot listen for the mesh proxy on " + host + ":"
                        + localPort.applyAsInt(MESH_PORT), e);
            }
        }
        WebServer status = WebServer.builder().host(host).port(statusPort)
                .routing(r -> {
                    new StatusEndpoints(node, routes).routing(r);
                    r.get("/debug/traffic", (req, res) -> res.header("Content-Type", "application/json")
                            .send(Json.write(upstreams.counters().snapshot())));
                })
                .build().start();
        config.start();
        registry.start();
        return new GatewayNode(config, registry, routes, listeners[0], passthrough[0], mesh, upstreams, status);
    }

    /** The port a workload's HTTP_PROXY/HTTPS_PROXY points at, as in Istio's sidecar outbound capture. */
    public static final int MESH_PORT = 15001;

    public boolean ready() {
        return routes.ready();
    }

    public int statusPort() {
        return status.port();
    }

    /** The local port serving a Gateway server port, or -1 when the table has no such server. */
    public int localPort(int gatewayPort) {
        int http = listeners.localPort(gatewayPort);
        return http >= 0 ? http : passthrough.localPort(gatewayPort);
    }

    /** The mesh proxy's port, or -1 on a gateway node. */
    public int meshPort() {
        return mesh == null ? -1 : mesh.port();
    }

    /** Requests and streams sent, by cluster name: which traffic went through this node. */
    public TrafficCounters traffic() {
        return upstreams.counters();
    }

    public RouteTableSource routes() {
        return routes;
    }

    @Override
    public void close() {
        status.stop();
        if (mesh != null) {
            mesh.close();
        }
        passthrough.close();
        listeners.close();
        routes.close();
        config.close();
        registry.close();
    }
}
