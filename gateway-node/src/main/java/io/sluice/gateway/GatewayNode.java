package io.sluice.gateway;

import io.helidon.webserver.WebServer;
import io.sluice.gateway.accesslog.AccessLog;
import io.sluice.gateway.mesh.MeshProxy;
import io.sluice.gateway.passthrough.PassthroughListeners;
import io.sluice.gateway.passthrough.SniForwarder;
import io.sluice.gateway.proxy.TrafficCounters;
import io.sluice.gateway.proxy.UpstreamConnector;
import io.sluice.gateway.metrics.IstioMetrics;
import io.sluice.gateway.metrics.MetricsEndpoint;
import io.sluice.gateway.proxy.ExchangeObserver;
import io.sluice.gateway.mirror.MirrorTap;
import io.sluice.gateway.proxy.ListenerManager;
import io.sluice.gateway.proxy.Proxy;
import io.sluice.gateway.tls.Credentials;
import io.sluice.gateway.tls.GatewayTls;
import io.sluice.upstream.ConnectionPool;
import io.sluice.gateway.resilience.UpstreamState;
import io.sluice.gateway.routing.RouteTableSource;
import io.sluice.gateway.status.StatusEndpoints;
import io.sluice.gateway.status.StatusReporter;
import io.sluice.kafka.CompactedTopicStore;
import io.sluice.kafka.KafkaSettings;
import io.sluice.kafka.TopicAdmin;
import io.sluice.model.Json;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKey;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.routing.NodeIdentity;
import io.sluice.routing.RouteCompiler;
import io.sluice.service.Servers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

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
    private final BindRetry bindRetry;
    private final MeshProxy mesh;
    private final UpstreamConnector connector;
    private final WebServer status;
    private final StatusReporter reporter;
    private final AccessLog accessLog;
    private final MirrorTap mirror;
    private final ConnectionPool pool;

    private GatewayNode(CompactedTopicStore<Resource> config, CompactedTopicStore<ServiceEndpoints> registry,
                        RouteTableSource routes, ListenerManager listeners, PassthroughListeners passthrough,
                        BindRetry bindRetry, MeshProxy mesh, UpstreamConnector connector, WebServer status,
                        StatusReporter reporter, AccessLog accessLog, MirrorTap mirror, ConnectionPool pool) {
        this.mirror = mirror;
        this.pool = pool;
        this.config = config;
        this.registry = registry;
        this.routes = routes;
        this.listeners = listeners;
        this.passthrough = passthrough;
        this.bindRetry = bindRetry;
        this.mesh = mesh;
        this.connector = connector;
        this.status = status;
        this.reporter = reporter;
        this.accessLog = accessLog;
    }

    public static GatewayNode start(KafkaSettings kafka, NodeIdentity node, GatewayOptions options) {
        String client = "sluice-gateway-" + node.id();
        CompactedTopicStore<Resource> config = new CompactedTopicStore<>(kafka, kafka.topics().config(),
                client + "-config",
                (k, v, offset) -> RouteCompiler.readsFrom(node, ResourceKey.kindOf(k))
                        ? kafka.secretKeys().open(Json.fromRecordTyped(v, offset)) : null);
        Credentials credentials = new Credentials(options.secretNamespace());
        config.addListener(s -> credentials.update(s.entries().values()));
        CompactedTopicStore<ServiceEndpoints> registry = new CompactedTopicStore<>(kafka, kafka.topics().registry(),
                client + "-registry", (k, v, offset) -> Json.read(v, ServiceEndpoints.class));
        // Reading the topics is most of a fresh node's start-up (BENCHMARKS.md, scale): it starts before
        // anything else is built, and the rest (Kafka producers, Helidon's set-up) overlaps it. A store
        // whose topic is not made yet waits for the topic-maker below.
        config.start();
        registry.start();
        IstioMetrics istio = new IstioMetrics(node.labels().getOrDefault("app", node.id()));
        List<ExchangeObserver> observers = new ArrayList<>(List.of(istio));
        AccessLog accessLog = options.accessLog();
        if (accessLog != null) {
            observers.add(accessLog);
        }
        UpstreamState upstreams = new UpstreamState();
        UpstreamConnector connector = new UpstreamConnector(options.resolve(), new TrafficCounters());
        ListenerManager[] holder = new ListenerManager[1];
        PassthroughListeners[] passthrough = new PassthroughListeners[1];
        StatusReporter reporter = new StatusReporter(kafka, node.id(), role(node));
        RouteTableSource[] source = new RouteTableSource[1];
        IntSupplier unboundPorts = () -> holder[0].unbound() + passthrough[0].unbound();
        BindRetry bindRetry = new BindRetry(() -> {
            holder[0].retry();
            passthrough[0].retry();
        }, unboundPorts);
        RouteTableSource routes = new RouteTableSource(config, registry, node, t -> {
            upstreams.retain(t);
            if (!node.mesh()) { // the mesh proxy serves every port on one socket and opens none per port
                holder[0].reconcile(t);
                passthrough[0].reconcile(t);
                bindRetry.check();
            }
            reporter.report(t, source[0].appliedAt());
        });
        source[0] = routes;
        MirrorTap mirror = MirrorTap.start(kafka, node.id(), options.mirror());
        ConnectionPool pool = new ConnectionPool();
        Proxy proxy = new Proxy(routes::current, pool, upstreams,
                ExchangeObserver.all(observers), mirror, connector, new GatewayTls(credentials));
        holder[0] = new ListenerManager(options.host(), options.localPort(), proxy);
        passthrough[0] = new PassthroughListeners(options.host(), options.localPort(),
                new SniForwarder(routes::current, connector, istio));
        MeshProxy mesh = null;
        if (node.mesh()) {
            int meshPort = options.localPort().applyAsInt(MESH_PORT);
            try {
                mesh = MeshProxy.start(options.host(), meshPort, proxy, istio);
            } catch (IOException e) {
                routes.close();
                config.close();
                registry.close();
                throw new UncheckedIOException("cannot listen for the mesh proxy on " + options.host() + ":"
                        + meshPort, e);
            }
        }
        Map<String, LongSupplier> gauges = new LinkedHashMap<>();
        gauges.put("sluice_route_compiles_total", routes::compiles);
        gauges.put("sluice_route_compile_failures_total", routes::compileFailures);
        gauges.put("sluice_route_incremental_compiles_total", routes::incrementalCompiles);
        gauges.put("sluice_config_revision", () -> routes.current().configRevision());
        gauges.put("sluice_gateway_ports_unbound", unboundPorts::getAsInt);
        if (accessLog != null) {
            gauges.put("sluice_access_log_dropped_total", accessLog::dropped);
        }
        MetricsEndpoint metrics = new MetricsEndpoint(istio, upstreams, gauges, List.of(config, registry));
        // the topic check and the status topic's metadata beside the status server's start; /healthz/ready
        // says not ready until the table is compiled
        CompletableFuture<Void> kafkaStarted = CompletableFuture.runAsync(() -> {
            TopicAdmin.ensureTopics(kafka, Duration.ofMinutes(2));
            reporter.prepare();
        }, r -> Thread.ofPlatform().name("sluice-gateway-start").daemon().start(r));
        WebServer status = WebServer.builder().host(options.host()).port(options.statusPort())
                .routing(r -> {
                    new StatusEndpoints(node, routes).routing(r);
                    metrics.routing(r);
                    r.get("/debug/traffic", (req, res) -> res.header("Content-Type", "application/json")
                            .send(Json.write(connector.counters().snapshot())));
                })
                .build();
        GatewayNode gateway = new GatewayNode(config, registry, routes, holder[0], passthrough[0], bindRetry, mesh,
                connector, status, reporter, accessLog, mirror, pool);
        try {
            Servers.start(status, "the status server on " + options.host() + ":" + options.statusPort());
            reporter.statusAddress(options.host() + ":" + status.port());
            routes.start(); // everything its swaps reach is built
            kafkaStarted.join();
        } catch (RuntimeException e) {
            gateway.close();
            throw e instanceof CompletionException && e.getCause() instanceof RuntimeException r ? r : e;
        }
        return gateway;
    }

    /** ingress, egress or mesh: how {@code sluice status} names a node's role. */
    static String role(NodeIdentity node) {
        if (node.mesh()) {
            return "mesh";
        }
        String istio = node.labels().getOrDefault("istio", "");
        return istio.endsWith("gateway") ? istio.substring(0, istio.length() - "gateway".length()) : istio;
    }

    public boolean ready() {
        return routes.ready();
    }

    public int statusPort() {
        return status.port();
    }

    /** The port a workload's HTTP_PROXY/HTTPS_PROXY points at, as in Istio's sidecar outbound capture. */
    public static final int MESH_PORT = 15001;

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
        return connector.counters();
    }

    public RouteTableSource routes() {
        return routes;
    }

    /** The mirror tap: copies sent and dropped. */
    public MirrorTap mirror() {
        return mirror;
    }

    @Override
    public void close() {
        status.stop();
        if (mesh != null) {
            mesh.close();
        }
        bindRetry.close();
        passthrough.close();
        listeners.close();
        pool.close();
        mirror.close();
        routes.close();
        config.close();
        registry.close();
        reporter.close();
        if (accessLog != null) {
            accessLog.close();
        }
    }
}
