package io.sluice.routing;

import static io.sluice.routing.TestSnapshots.endpoint;
import static io.sluice.routing.TestSnapshots.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.model.PersistentMap;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKind;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.model.registry.ServicePort;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The incremental compiler must produce, after every change, the table a whole compile of the same
 * state produces. Random edits over Gateways that exercise merging (several VirtualServices per host),
 * namespace filters, TLS termination, an HTTPS redirect, a passthrough server and an Ingress.
 */
class IncrementalRouteCompilerTest {

    private static final String GATEWAYS = """
            apiVersion: networking.istio.io/v1beta1
            kind: Gateway
            metadata: {name: gw-all, namespace: ns1}
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: 80, name: http, protocol: HTTP}
                hosts: ["*"]
              - port: {number: 443, name: https, protocol: HTTPS}
                hosts: ["a.example.com", "*.example.com"]
                tls: {mode: SIMPLE, credentialName: example-cert}
            ---
            apiVersion: networking.istio.io/v1beta1
            kind: Gateway
            metadata: {name: gw-ns, namespace: ns2}
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: 80, name: http, protocol: HTTP}
                hosts: ["./b.example.com", "ns1/c.other.org"]
              - port: {number: 8080, name: http-redirect, protocol: HTTP}
                hosts: ["a.example.com"]
                tls: {httpsRedirect: true}
              - port: {number: 8080, name: http-alt, protocol: HTTP}
                hosts: ["*"]
            ---
            apiVersion: networking.istio.io/v1beta1
            kind: Gateway
            metadata: {name: gw-pass, namespace: ns1}
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: 9443, name: tls, protocol: TLS}
                hosts: ["*.example.com"]
                tls: {mode: PASSTHROUGH}
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: legacy, namespace: ns1}
            spec:
              ingressClassName: istio
              rules:
              - host: b.example.com
                http:
                  paths:
                  - {path: /legacy, pathType: Prefix, backend: {service: {name: svc1, port: {number: 80}}}}
            """;
    private static final String[] HOSTS = {"a.example.com", "b.example.com", "*.example.com", "c.other.org"};
    private static final String[] NAMESPACES = {"ns1", "ns2"};
    /**
     * In full and short, resolved from the VirtualService's namespace: svc4 starts out unregistered, and
     * svc2.ns1 means a ServiceEntry host of that name while one exists, else svc2 of ns1.
     */
    private static final String[] DESTINATIONS = {"svc1.ns1.svc.cluster.local", "svc1", "svc2", "svc4", "svc2.ns1"};
    private static final String[] GATEWAY_REFS = {"ns1/gw-all", "ns2/gw-ns", "ns1/gw-pass", "mesh"};

    private final Random random = new Random(4);
    /** Subsets are drawn apart, so that the VirtualServices the tests below build from {@code random} stay as they were. */
    private final Random subsetDraws = new Random(5);
    /** Rules' TLS credentials and the Secrets they name are drawn apart too. */
    private final Random tlsDraws = new Random(6);
    /** Steps that renewed, created or deleted a Secret and nothing else. */
    private int secretSteps;
    /** Whether steps also edit, create and delete Ingresses (drawn apart, like the Secrets). */
    private boolean ingressEdits;
    private final Random ingressDraws = new Random(8);
    private int ingressSteps;
    private final Map<String, Resource> config = new HashMap<>();
    private final Map<String, ServiceEndpoints> services = new HashMap<>();
    /** Whether the compiler gets views as a topic store hands them out, or plain copies. */
    private boolean storeViews;
    private PersistentMap<Resource> configView = PersistentMap.empty();
    private PersistentMap<ServiceEndpoints> servicesView = PersistentMap.empty();
    private int clock;
    private long configRevision;
    private long registryRevision;

    @Test
    void everyTableAfterARandomEditIsTheTableAWholeCompileMakes() {
        IncrementalRouteCompiler compiler = randomEdits(GATEWAYS);
        assertTrue(compiler.updates() > 200, "most edits only touch VirtualServices: " + compiler.updates());
    }

    @Test
    void everyTableAfterRandomEditsAndEndpointChangesIsTheTableAWholeCompileMakes() {
        // without Ingress and passthrough routes, which take the registry whole, endpoint changes update too
        String routesOnly = GATEWAYS.substring(0, GATEWAYS.indexOf("---\napiVersion: networking.istio.io/v1beta1\n"
                + "kind: Gateway\nmetadata: {name: gw-pass"));
        IncrementalRouteCompiler compiler = randomEdits(routesOnly);
        assertTrue(secretSteps > 50, "Secrets changed alone: " + secretSteps);
        assertEquals(399 + secretSteps, compiler.updates(),
                "every edit after the first compile updates, DestinationRules and Secrets too");
    }

    @Test
    void everyTableAfterRandomEditsWithIngressesIsTheTableAWholeCompileMakes() {
        // without the passthrough server, which takes the registry whole; the Ingress stays and is edited
        String withIngress = GATEWAYS.substring(0, GATEWAYS.indexOf("---\napiVersion: networking.istio.io/v1beta1\n"
                + "kind: Gateway\nmetadata: {name: gw-pass")) + GATEWAYS.substring(GATEWAYS.indexOf("---\napiVersion: "
                + "networking.k8s.io/v1\nkind: Ingress"));
        ingressEdits = true;
        IncrementalRouteCompiler compiler = randomEdits(withIngress);
        assertTrue(ingressSteps > 50, "Ingresses changed alone: " + ingressSteps);
        assertEquals(399 + secretSteps + ingressSteps, compiler.updates(),
                "every edit after the first compile updates, Ingresses and endpoints beside them too");
    }

    @Test
    void everyTableAfterRandomEditsOverATopicStoresViewsIsTheTableAWholeCompileMakes() {
        storeViews = true; // changes found by comparing what two views do not share
        String routesOnly = GATEWAYS.substring(0, GATEWAYS.indexOf("---\napiVersion: networking.istio.io/v1beta1\n"
                + "kind: Gateway\nmetadata: {name: gw-pass"));
        IncrementalRouteCompiler compiler = randomEdits(routesOnly);
        assertEquals(399 + secretSteps, compiler.updates(),
                "every edit after the first compile updates, DestinationRules and Secrets too");
    }

    /**
     * 400 random steps: VirtualServices created, edited, deleted; DestinationRules created, edited, deleted; services
     * added, changed and removed in the registry; between them, Secrets that rules may name as their TLS
     * credential renewed, created and deleted. After each, the incremental table must be the whole one.
     */
    private IncrementalRouteCompiler randomEdits(String gateways) {
        TestSnapshots.apply(gateways).forEach(this::put);
        for (int i = 1; i <= 3; i++) {
            ServiceEndpoints s = service("svc" + i, "ns1", 80, endpoint("10.0.0." + i, 8080, "version", "v1"));
            services.put(s.host(), s);
        }
        NodeIdentity node = NodeIdentity.ingress("ingress-0");
        IncrementalRouteCompiler compiler = new IncrementalRouteCompiler(node);
        List<String> names = new ArrayList<>();
        for (int step = 0; step < 400; step++) {
            int op = random.nextInt(100);
            if (op < 30 || names.isEmpty()) {
                String name = "vs" + step;
                names.add(NAMESPACES[random.nextInt(2)] + "/" + name);
                put(virtualService(names.getLast(), null));
            } else if (op < 55) {
                String name = names.get(random.nextInt(names.size()));
                put(virtualService(name, config.get(key(name)).metadata().creationTimestamp()));
            } else if (op < 70) {
                config.remove(key(names.remove(random.nextInt(names.size()))));
                configRevision++;
            } else if (op < 78) {
                put(destinationRule());
            } else if (op < 80) {
                config.remove(ResourceKind.DESTINATION_RULE + "/" + NAMESPACES[random.nextInt(2)] + "/dr" + random.nextInt(2));
                configRevision++;
            } else {
                changeRegistry(step);
            }
            compileAndCompare(compiler, node, "step " + step);
            if (tlsDraws.nextInt(3) == 0) {
                changeSecret(step);
                compileAndCompare(compiler, node, "a Secret's change after step " + step);
                secretSteps++;
            }
            if (ingressEdits && ingressDraws.nextInt(3) == 0) {
                changeIngress();
                compileAndCompare(compiler, node, "an Ingress's change after step " + step);
                ingressSteps++;
            }
        }
        return compiler;
    }

    private void compileAndCompare(IncrementalRouteCompiler compiler, NodeIdentity node, String after) {
        RouteTable incremental = storeViews
                ? compiler.compile(configView = sync(configView, config), configRevision,
                        servicesView = sync(servicesView, services), registryRevision)
                : compiler.compile(Map.copyOf(config), configRevision, Map.copyOf(services), registryRevision);
        RouteTable whole = RouteCompiler.compile(new ConfigSnapshot(config.values(), configRevision,
                services, registryRevision), node);
        assertEquals(whole.dump(), incremental.dump(), "after " + after);
        assertEquals(whole.ports(), incremental.ports());
        assertEquals(upstreamTls(whole), upstreamTls(incremental), "upstream TLS after " + after);
    }

    /** The TLS each cluster originates, which the dump does not show in full. */
    private static Map<String, String> upstreamTls(RouteTable table) {
        Map<String, String> out = new HashMap<>();
        table.clusters().forEach((name, c) -> out.put(name, c.tls() == null ? "plain"
                : c.tls().mode() + " ca=" + c.tls().caCertificates()));
        return out;
    }

    /**
     * Edits the book-style Ingress (which stays, served), or creates, edits or deletes a second one that
     * is sometimes of another class (not served): hosts, paths and services drawn from those the routes use.
     */
    private void changeIngress() {
        String name = ingressDraws.nextBoolean() ? "legacy" : "extra";
        String key = ResourceKind.INGRESS + "/ns1/" + name;
        if (name.equals("extra") && config.containsKey(key) && ingressDraws.nextInt(3) == 0) {
            config.remove(key);
            configRevision++;
            return;
        }
        Resource existing = config.get(key);
        put(stamped(TestSnapshots.apply("""
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: %s, namespace: ns1}
                spec:
                  ingressClassName: %s
                  rules:
                  - host: %s
                    http:
                      paths:
                      - {path: /legacy%d, pathType: Prefix, backend: {service: {name: %s, port: {number: 80}}}}
                """.formatted(name, name.equals("extra") && ingressDraws.nextInt(4) == 0 ? "nginx" : "istio",
                List.of("b.example.com", "legacy.example.org", "c.other.org").get(ingressDraws.nextInt(3)),
                ingressDraws.nextInt(3), List.of("svc1", "svc2", "svc4").get(ingressDraws.nextInt(3))))
                .getFirst(), existing == null ? null : existing.metadata().creationTimestamp()));
    }

    /**
     * Renews, creates or deletes one of the Secrets rules may name (in the gateways' namespace or a
     * rule's), or one no rule names, as a Gateway's certificate.
     */
    private void changeSecret(int step) {
        String name = List.of("upstream-ca0", "upstream-ca1", "gateway-cert").get(tlsDraws.nextInt(3));
        String ns = List.of("istio-system", "ns1", "ns2").get(tlsDraws.nextInt(3));
        String key = ResourceKind.SECRET + "/" + ns + "/" + name;
        if (config.containsKey(key) && tlsDraws.nextInt(4) == 0) {
            config.remove(key);
            configRevision++;
            return;
        }
        put(secret(name, ns, "CA of step " + step));
    }

    /** The next view of a store holding {@code state}: the last one with what changed applied, sharing the rest. */
    private static <V> PersistentMap<V> sync(PersistentMap<V> view, Map<String, V> state) {
        PersistentMap<V> next = view;
        for (String key : view.keySet()) {
            if (!state.containsKey(key)) {
                next = next.without(key);
            }
        }
        for (var e : state.entrySet()) {
            next = next.with(e.getKey(), e.getValue());
        }
        return next;
    }

    /** Adds, changes or removes a service that routes may name in full or by a short name. */
    private void changeRegistry(int step) {
        if (random.nextInt(6) == 0) {
            if (services.remove("svc2.ns1") == null) {
                services.put("svc2.ns1", new ServiceEndpoints(1, "svc2.ns1", "ns1", "ServiceEntry",
                        List.of(new ServicePort(80, "http", "HTTP")), "MESH_EXTERNAL", "DNS",
                        List.of(endpoint("svc2.example.org", 80))));
            }
            registryRevision++;
            return;
        }
        String name = "svc" + (1 + random.nextInt(4));
        String ns = NAMESPACES[random.nextInt(2)];
        if (random.nextInt(10) < 3) {
            services.remove(name + "." + ns + ".svc.cluster.local");
        } else {
            ServiceEndpoints s = service(name, ns, 80,
                    endpoint("10.0.1." + step % 250, 8080, "version", "v" + random.nextInt(3)));
            services.put(s.host(), s);
        }
        registryRevision++;
    }

    @Test
    void aChangeToOneVirtualServiceKeepsTheOtherHostsAndListenersAsTheyWere() {
        TestSnapshots.apply(GATEWAYS).forEach(this::put);
        put(virtualService("ns1/first", null));
        put(virtualService("ns1/second", null));
        IncrementalRouteCompiler compiler = new IncrementalRouteCompiler(NodeIdentity.ingress("ingress-0"));
        RouteTable before = compiler.compile(Map.copyOf(config), configRevision, Map.of(), 0);
        put(virtualService("ns1/second", config.get(key("ns1/second")).metadata().creationTimestamp()));
        RouteTable after = compiler.compile(Map.copyOf(config), configRevision, Map.of(), 0);
        assertEquals(1, compiler.updates());
        assertEquals(configRevision, after.configRevision());
        assertSame(before.sniRouter(9443), after.sniRouter(9443), "passthrough routes are reused");
    }

    /** A Gateway for every host, one.example.com routed to svc1 and two.example.com to svc2. */
    private static final String TWO_HOSTS = """
            apiVersion: networking.istio.io/v1beta1
            kind: Gateway
            metadata: {name: gw, namespace: ns1}
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: 80, name: http, protocol: HTTP}
                hosts: ["*"]
            ---
            apiVersion: networking.istio.io/v1beta1
            kind: VirtualService
            metadata: {name: one, namespace: ns1}
            spec:
              hosts: [one.example.com]
              gateways: [gw]
              http: [{route: [{destination: {host: svc1}}]}]
            ---
            apiVersion: networking.istio.io/v1beta1
            kind: VirtualService
            metadata: {name: two, namespace: ns1}
            spec:
              hosts: [two.example.com]
              gateways: [gw]
              http: [{route: [{destination: {host: svc2}}]}]
            """;

    @Test
    void anEndpointChangeRecompilesOnlyTheRoutesToThatService() {
        TestSnapshots.apply(TWO_HOSTS).forEach(this::put);
        ServiceEndpoints svc1 = service("svc1", "ns1", 80, endpoint("10.0.0.1", 8080));
        ServiceEndpoints svc2 = service("svc2", "ns1", 80, endpoint("10.0.0.2", 8080));
        IncrementalRouteCompiler compiler = new IncrementalRouteCompiler(NodeIdentity.ingress("ingress-0"));
        Map<String, Resource> view = Map.copyOf(config);
        RouteTable before = compiler.compile(view, 1, Map.of(svc1.host(), svc1, svc2.host(), svc2), 1);
        ServiceEndpoints moved = service("svc1", "ns1", 80, endpoint("10.0.0.9", 8080));
        RouteTable after = compiler.compile(view, 1, Map.of(svc1.host(), moved, svc2.host(), svc2), 2);
        assertEquals(1, compiler.updates());
        assertEquals(2, after.registryRevision());
        assertSame(before.listener(80).virtualHost("two.example.com"), after.listener(80).virtualHost("two.example.com"));
        Route one = after.listener(80).virtualHost("one.example.com").routes().getFirst();
        assertEquals(List.of("10.0.0.9:8080"), ((RouteAction.Forward) one.action()).targets().getFirst()
                .cluster().endpoints().stream().map(Upstream::authority).toList());
    }

    @Test
    void aRenewedCertificateRecompilesOnlyTheRoutesWhoseRuleTakesItsCredential() {
        TestSnapshots.apply(TWO_HOSTS + """
                ---
                apiVersion: networking.istio.io/v1beta1
                kind: DestinationRule
                metadata: {name: svc1-tls, namespace: ns1}
                spec:
                  host: svc1
                  trafficPolicy: {tls: {mode: SIMPLE, credentialName: upstream-ca}}
                """).forEach(this::put);
        put(secret("upstream-ca", "CA 1"));
        put(secret("gateway-cert", "certificate 1"));
        ServiceEndpoints svc1 = service("svc1", "ns1", 80, endpoint("10.0.0.1", 8443));
        ServiceEndpoints svc2 = service("svc2", "ns1", 80, endpoint("10.0.0.2", 8080));
        Map<String, ServiceEndpoints> registry = Map.of(svc1.host(), svc1, svc2.host(), svc2);
        IncrementalRouteCompiler compiler = new IncrementalRouteCompiler(NodeIdentity.ingress("ingress-0"));
        Listener before = compiler.compile(Map.copyOf(config), configRevision, registry, 1).listener(80);

        put(secret("gateway-cert", "certificate 2")); // a Gateway's: the node reads it, no route does
        Listener gatewayCertRenewed = compiler.compile(Map.copyOf(config), configRevision, registry, 1).listener(80);
        assertSame(before.virtualHost("one.example.com"), gatewayCertRenewed.virtualHost("one.example.com"));
        assertSame(before.virtualHost("two.example.com"), gatewayCertRenewed.virtualHost("two.example.com"));

        put(secret("upstream-ca", "CA 2"));
        Listener caRenewed = compiler.compile(Map.copyOf(config), configRevision, registry, 1).listener(80);
        assertEquals(2, compiler.updates(), "neither change compiled the whole table");
        assertSame(before.virtualHost("two.example.com"), caRenewed.virtualHost("two.example.com"));
        RouteAction.Forward one = (RouteAction.Forward) caRenewed.virtualHost("one.example.com").routes().getFirst()
                .action();
        assertEquals("CA 2", one.targets().getFirst().cluster().tls().caCertificates());
    }

    private Resource secret(String name, String ca) {
        return secret(name, "istio-system", ca);
    }

    /** A Secret holding a CA; a renewed one keeps its creation time. */
    private Resource secret(String name, String namespace, String ca) {
        Resource existing = config.get(ResourceKind.SECRET + "/" + namespace + "/" + name);
        return stamped(TestSnapshots.apply("""
                apiVersion: v1
                kind: Secret
                metadata: {name: %s, namespace: %s}
                stringData: {ca.crt: "%s"}
                """.formatted(name, namespace, ca)).getFirst(),
                existing == null ? null : existing.metadata().creationTimestamp());
    }

    private void put(Resource r) {
        config.put(r.kind() + "/" + r.namespace() + "/" + r.name(), r);
        configRevision++;
    }

    /** The record key of a VirtualService {@code ns/name}. */
    private static String key(String nsName) {
        return ResourceKind.VIRTUAL_SERVICE + "/" + nsName;
    }

    /** A VirtualService with random hosts, gateways and rules; {@code created} keeps an old one's place. */
    private Resource virtualService(String nsName, String created) {
        String ns = nsName.substring(0, nsName.indexOf('/'));
        String name = nsName.substring(nsName.indexOf('/') + 1);
        List<String> hosts = new ArrayList<>(List.of(HOSTS[random.nextInt(HOSTS.length)]));
        if (random.nextBoolean() && !hosts.contains(HOSTS[3])) {
            hosts.add(HOSTS[3]);
        }
        List<String> gateways = new ArrayList<>();
        for (String g : GATEWAY_REFS) {
            if (random.nextInt(3) > 0 && !(g.equals("ns1/gw-pass") && random.nextInt(4) > 0)) {
                gateways.add(g);
            }
        }
        StringBuilder http = new StringBuilder();
        for (int r = 0, rules = 1 + random.nextInt(3); r < rules; r++) {
            http.append("  - ");
            if (random.nextBoolean()) {
                http.append("match: [{uri: {prefix: /p").append(random.nextInt(4)).append("}}]\n    ");
            }
            if (random.nextInt(4) == 0) {
                http.append("directResponse: {status: ").append(200 + random.nextInt(5)).append("}\n");
            } else {
                int w = random.nextInt(101);
                http.append("route:\n")
                        .append("    - {destination: {host: ").append(DESTINATIONS[random.nextInt(DESTINATIONS.length)])
                        .append(subsetDraws.nextBoolean() ? "" : ", subset: v" + (1 + subsetDraws.nextInt(2)))
                        .append("}, weight: ").append(w).append("}\n")
                        .append("    - {destination: {host: svc").append(2 + random.nextInt(2))
                        .append(".ns1.svc.cluster.local}, weight: ").append(100 - w).append("}\n");
            }
        }
        String tls = !gateways.contains("ns1/gw-pass") || !hosts.getFirst().endsWith("example.com") ? "" : """
                  tls:
                  - match: [{sniHosts: ["%s"]}]
                    route: [{destination: {host: svc1.ns1.svc.cluster.local, port: {number: 443}}}]
                """.formatted(hosts.getFirst().replace("*", "w"));
        String yaml = """
                apiVersion: networking.istio.io/v1beta1
                kind: VirtualService
                metadata: {name: %s, namespace: %s}
                spec:
                  hosts: [%s]
                  gateways: [%s]
                  http:
                %s%s""".formatted(name, ns, String.join(", ", hosts.stream().map(h -> "\"" + h + "\"").toList()),
                String.join(", ", gateways), http, tls);
        return stamped(TestSnapshots.apply(yaml).getFirst(), created);
    }

    /**
     * One of four DestinationRules, two per namespace, on one of three hosts as written (so that two
     * rules may claim one host and the older must win), with random subsets and load balancing; an
     * edited rule keeps its creation time, as in Kubernetes.
     */
    private Resource destinationRule() {
        String name = "dr" + random.nextInt(2);
        String ns = NAMESPACES[random.nextInt(2)];
        StringBuilder subsets = new StringBuilder();
        for (String subset : List.of("v1", "v2")) {
            if (random.nextBoolean()) {
                subsets.append("  - {name: ").append(subset).append(", labels: {version: ").append(subset).append("}}\n");
            }
        }
        String yaml = """
                apiVersion: networking.istio.io/v1beta1
                kind: DestinationRule
                metadata: {name: %s, namespace: %s}
                spec:
                  host: %s
                  trafficPolicy: {loadBalancer: {simple: %s}%s}
                """.formatted(name, ns, List.of("svc1.ns1.svc.cluster.local", "svc4", "svc2").get(random.nextInt(3)),
                random.nextBoolean() ? "ROUND_ROBIN" : "RANDOM", tlsDraws.nextInt(3) == 0 ? ""
                        : ", tls: {mode: SIMPLE, credentialName: upstream-ca" + tlsDraws.nextInt(2) + "}")
                + (subsets.isEmpty() ? "" : "  subsets:\n" + subsets);
        Resource existing = config.get(ResourceKind.DESTINATION_RULE + "/" + ns + "/" + name);
        return stamped(TestSnapshots.apply(yaml).getFirst(),
                existing == null ? null : existing.metadata().creationTimestamp());
    }

    private Resource stamped(Resource r, String created) {
        String at = created != null ? created : "2024-01-01T%02d:%02d:%02dZ".formatted(
                clock / 3600, clock / 60 % 60, clock % 60);
        clock += random.nextInt(3); // equal times happen: the tie-break by namespace and name must hold
        return r.withMetadata(r.metadata().withServerFields("uid", at, 1L, null));
    }
}
