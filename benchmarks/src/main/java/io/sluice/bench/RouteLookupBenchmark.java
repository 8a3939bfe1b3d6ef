package io.sluice.bench;

import io.sluice.model.Json;
import io.sluice.model.Manifests;
import io.sluice.model.PersistentMap;
import io.sluice.model.Resource;
import io.sluice.model.registry.Endpoint;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.model.registry.ServicePort;
import io.sluice.routing.ConfigSnapshot;
import io.sluice.routing.IncrementalRouteCompiler;
import io.sluice.routing.Listener;
import io.sluice.routing.NodeIdentity;
import io.sluice.routing.RequestAttributes;
import io.sluice.routing.Route;
import io.sluice.routing.RouteCompiler;
import io.sluice.routing.RouteTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Route lookup among 10 000 hosts with 10 rules each (issue 5's goal: at most 1 µs per lookup):
 * host → virtual host → first matching rule, for a request that matches the 6th rule on average.
 * {@code lookup} spreads requests evenly over all 10 000 hosts, so nearly every lookup misses the CPU
 * caches; {@code lookupHotHosts} sends them to 64 hosts, as skewed real traffic does.
 * Also times compiling the whole table, which a gateway does once per change.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RouteLookupBenchmark {

    static final int HOSTS = 10_000;
    static final int RULES = 10;

    ConfigSnapshot snapshot;
    RouteTable table;
    Request[] requests;
    Request[] hotRequests;
    int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        List<Resource> resources = new ArrayList<>();
        resources.add(decode("""
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: bench}
                spec:
                  selector: {istio: ingressgateway}
                  servers:
                  - port: {number: 80, name: http, protocol: HTTP}
                    hosts: ["*"]
                """));
        Map<String, ServiceEndpoints> services = new HashMap<>();
        for (int h = 0; h < HOSTS; h++) {
            resources.add(decode(virtualService(h, 90)));
            String host = "svc" + h + ".bench.svc.cluster.local";
            services.put(host, new ServiceEndpoints(Json.SCHEMA_VERSION, host, "bench", "Service",
                    List.of(new ServicePort(80, "http", "HTTP")), "MESH_INTERNAL", "STATIC",
                    List.of(new Endpoint("127.0.0.1", Map.of(80, 10000 + h), Map.of("version", "v1"), true, "a"),
                            new Endpoint("127.0.0.1", Map.of(80, 20000 + h), Map.of("version", "v2"), true, "b"))));
        }
        snapshot = new ConfigSnapshot(resources, 1, services, 1);
        table = RouteCompiler.compile(snapshot, NodeIdentity.ingress("bench"));
        prepareIncremental(resources, services);
        java.util.Random random = new java.util.Random(42);
        requests = new Request[4096];
        for (int i = 0; i < requests.length; i++) {
            int rule = random.nextInt(RULES);
            requests[i] = new Request("host" + random.nextInt(HOSTS) + ".example.com",
                    "/api/v" + rule + "/items/" + i, "t" + rule);
        }
        // the same lookups over 64 hosts: the table's working set stays in the CPU caches
        hotRequests = new Request[4096];
        for (int i = 0; i < hotRequests.length; i++) {
            int rule = random.nextInt(RULES);
            hotRequests[i] = new Request("host" + random.nextInt(64) + ".example.com",
                    "/api/v" + rule + "/items/" + i, "t" + rule);
        }
    }

    @Benchmark
    public Route lookup() {
        Request r = requests[next++ & (requests.length - 1)];
        Listener l = table.listener(80);
        return l.virtualHost(r.host()).route(r);
    }

    @Benchmark
    public Route lookupHotHosts() {
        Request r = hotRequests[next++ & (hotRequests.length - 1)];
        Listener l = table.listener(80);
        return l.virtualHost(r.host()).route(r);
    }

    @Benchmark
    @Warmup(iterations = 1, time = 1)
    @Measurement(iterations = 3, time = 1)
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public RouteTable compileWholeTable() {
        return RouteCompiler.compile(snapshot, NodeIdentity.ingress("bench"));
    }

    /**
     * A gateway's compiler after a whole first table, and other versions of the config (VirtualService 5
     * with another weight split; a DestinationRule defining svc5's subsets; a Gateway's certificate) and
     * of the registry (svc5 with another endpoint) that differ in that one entry, as consecutive store
     * snapshots do: {@link PersistentMap}s sharing all the rest.
     */
    private void prepareIncremental(List<Resource> resources, Map<String, ServiceEndpoints> services)
            throws Exception {
        PersistentMap<Resource> config = PersistentMap.empty();
        for (Resource r : resources) { // bound to typed specs, as the gateway's store reads them
            config = config.with(r.key().topicKey(), Json.fromRecordTyped(Json.toRecord(r), 1));
        }
        configs[0] = config;
        Resource edited = decode(virtualService(5, 80));
        configs[1] = config.with(edited.key().topicKey(), Json.fromRecordTyped(Json.toRecord(edited), 2));
        Resource rule = decode("""
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: svc5, namespace: bench}
                spec: {host: svc5, subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]}
                """);
        configs[2] = config.with(rule.key().topicKey(), Json.fromRecordTyped(Json.toRecord(rule), 3));
        Resource certificate = decode("""
                apiVersion: v1
                kind: Secret
                metadata: {name: gateway-cert, namespace: istio-system}
                type: kubernetes.io/tls
                stringData: {tls.crt: CERT, tls.key: KEY}
                """);
        configs[3] = config.with(certificate.key().topicKey(), Json.fromRecordTyped(Json.toRecord(certificate), 4));
        PersistentMap<ServiceEndpoints> registry = PersistentMap.empty();
        for (var e : services.entrySet()) {
            registry = registry.with(e.getKey(), e.getValue());
        }
        registries[0] = registry;
        String svc5 = "svc5.bench.svc.cluster.local";
        ServiceEndpoints moved = services.get(svc5);
        registries[1] = registry.with(svc5, new ServiceEndpoints(moved.schemaVersion(), svc5, "bench", "Service",
                moved.ports(), moved.location(), moved.resolution(), List.of(moved.endpoints().getFirst())));
        incremental.compile(configs[0], 1, registries[0], 1);
        Resource ingress = decode("""
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: legacy, namespace: bench}
                spec:
                  ingressClassName: istio
                  rules:
                  - host: legacy.example.com
                    http:
                      paths:
                      - {path: /, pathType: Prefix, backend: {service: {name: svc5, port: {number: 80}}}}
                """);
        withIngress = config.with(ingress.key().topicKey(), Json.fromRecordTyped(Json.toRecord(ingress), 5));
        besideIngress.compile(withIngress, 1, registries[0], 1);
    }

    /** The same table with one Ingress beside the 10 000 VirtualServices, and its compiler. */
    Map<String, Resource> withIngress;
    final IncrementalRouteCompiler besideIngress = new IncrementalRouteCompiler(NodeIdentity.ingress("bench"));

    final IncrementalRouteCompiler incremental = new IncrementalRouteCompiler(NodeIdentity.ingress("bench"));
    @SuppressWarnings("unchecked")
    final Map<String, Resource>[] configs = new Map[4];
    @SuppressWarnings("unchecked")
    final Map<String, ServiceEndpoints>[] registries = new Map[2];
    long revision = 1;

    /** What a gateway does when one VirtualService of 10 000 changed (against {@code compileWholeTable}). */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public RouteTable compileAfterOneVirtualServiceEdit() {
        revision++;
        return incremental.compile(configs[(int) (revision & 1)], revision, registries[0], 1);
    }

    /** What a gateway does when a DestinationRule (svc5's subsets) comes and goes (against {@code compileWholeTable}). */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public RouteTable compileAfterOneDestinationRuleEdit() {
        revision++;
        return incremental.compile(configs[(revision & 1) == 0 ? 0 : 2], revision, registries[0], 1);
    }

    /** What a gateway does when a Gateway's certificate Secret comes and goes (against {@code compileWholeTable}). */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public RouteTable compileAfterOneSecretChange() {
        revision++;
        return incremental.compile(configs[(revision & 1) == 0 ? 0 : 3], revision, registries[0], 1);
    }

    /** What a gateway does when one service's endpoints changed (against {@code compileWholeTable}). */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public RouteTable compileAfterOneEndpointChange() {
        revision++;
        return incremental.compile(configs[0], 1, registries[(int) (revision & 1)], revision);
    }

    /** The same with one Ingress in the table, which routes are compiled again whenever the registry changes. */
    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public RouteTable compileAfterOneEndpointChangeBesideAnIngress() {
        revision++;
        return besideIngress.compile(withIngress, 1, registries[(int) (revision & 1)], revision);
    }

    /** Host {@code h}'s VirtualService: 10 rules, each split {@code v1Weight}/rest over two subsets. */
    private static String virtualService(int h, int v1Weight) {
        StringBuilder vs = new StringBuilder("""
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: vs%d, namespace: bench}
                spec:
                  hosts: ["host%d.example.com"]
                  gateways: [gw]
                  http:
                """.formatted(h, h));
        for (int r = 0; r < RULES; r++) {
            vs.append("""
                      - match:
                        - uri: {prefix: /api/v%d/}
                          headers: {x-tenant: {exact: t%d}}
                        - uri: {regex: "/regex/%d/[a-z]+"}
                        route:
                        - destination: {host: svc%d, subset: v1}
                          weight: %d
                        - destination: {host: svc%d, subset: v2}
                          weight: %d
                    """.formatted(r, r, r, h, v1Weight, h, 100 - v1Weight));
        }
        return vs.toString();
    }

    private static Resource decode(String yaml) throws Exception {
        return ((Manifests.Accepted) Manifests.decode(yaml, "bench").getFirst()).resource();
    }

    record Request(String host, String path, String tenant) implements RequestAttributes {
        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String query() {
            return "";
        }

        @Override
        public String header(String name) {
            return name.equals("x-tenant") ? tenant : null;
        }

        @Override
        public int port() {
            return 80;
        }

        @Override
        public String scheme() {
            return "http";
        }
    }
}
