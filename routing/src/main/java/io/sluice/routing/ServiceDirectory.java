package io.sluice.routing;

import io.sluice.model.HostNames;
import io.sluice.model.Json;
import io.sluice.model.Resource;
import io.sluice.model.istio.Destination;
import io.sluice.model.istio.DestinationRuleSpec;
import io.sluice.model.registry.Endpoint;
import io.sluice.model.registry.Network;
import io.sluice.model.registry.ServiceEndpoints;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Resolves a route destination (host as written, subset, port) into a {@link Cluster} with its
 * endpoints, using the registry and the DestinationRules of one snapshot. Lives for one compile.
 */
final class ServiceDirectory {

    private static final Logger LOG = Logger.getLogger(ServiceDirectory.class.getName());

    private static final String UNKNOWN = "unknown";

    private final Map<String, ServiceEndpoints> services;
    private final Map<String, DestinationRuleSpec> rules = new HashMap<>();
    private final Map<String, String> ruleNamespaces = new HashMap<>();
    private final Map<String, Cluster> clusters = new HashMap<>();
    private final UpstreamTlsResolver tls;
    private final Map<String, String> nodeLabels;
    /** Whether a host the registry does not know is reached by its name (a gateway under ALLOW_ANY, enforced). */
    private boolean unregisteredByName;
    /** The registry names looked up since {@link #record()}, or null when not recording. */
    private Set<String> lookedUp;

    ServiceDirectory(Map<String, ServiceEndpoints> services, List<Resource> destinationRules) {
        this(services, destinationRules, List.of(), Map.of());
    }

    /**
     * The DestinationRules that apply on a node: every one without a {@code workloadSelector}, and those
     * whose selector picks the node in the rule's own namespace (Istio's selectors do not cross
     * namespaces), in the order given.
     */
    static List<Resource> rulesFor(List<Resource> destinationRules, NodeIdentity node) {
        return destinationRules.stream().filter(dr -> {
            var selector = Json.spec(dr, DestinationRuleSpec.class).workloadSelector();
            return selector == null || (dr.namespace().equals(node.namespace())
                    && node.labels().entrySet().containsAll(selector.selected().entrySet()));
        }).toList();
    }

    /**
     * @param secrets Secrets a DestinationRule's {@code tls.credentialName} may name
     * @param nodeLabels the labels of the node compiling (its locality among them), for locality failover
     */
    ServiceDirectory(Map<String, ServiceEndpoints> services, List<Resource> destinationRules, List<Resource> secrets,
                     Map<String, String> nodeLabels) {
        this.services = services;
        this.nodeLabels = nodeLabels;
        this.tls = new UpstreamTlsResolver(secrets);
        // oldest first: the first rule for a host wins, as in Istio
        for (Resource dr : destinationRules) {
            DestinationRuleSpec spec = Json.spec(dr, DestinationRuleSpec.class);
            if (spec.host() != null) {
                String host = resolveHost(spec.host(), dr.namespace());
                if (rules.putIfAbsent(host, spec) == null) {
                    ruleNamespaces.put(host, dr.namespace());
                }
            }
        }
    }

    /**
     * Starts noting every registry name looked up, found or not, until {@link #recorded()}: what the
     * routes compiled meanwhile depend on, so that a registry change recompiles only the routes it
     * could alter.
     */
    void record() {
        lookedUp = new HashSet<>();
    }

    Set<String> recorded() {
        Set<String> names = lookedUp;
        lookedUp = null;
        return names;
    }

    /** The registry name a host refers to from a namespace: the first candidate that exists. */
    String resolveHost(String host, String namespace) {
        List<String> candidates = HostNames.candidates(host, namespace);
        for (String c : candidates) {
            if (service(c) != null) {
                return c;
            }
        }
        return candidates.getLast();
    }

    ServiceEndpoints service(String fqdn) {
        if (lookedUp != null) {
            lookedUp.add(fqdn);
        }
        return services.get(fqdn);
    }

    /**
     * The registry names whose DestinationRule differs here from {@code other}'s, or applies from
     * another namespace: what routes to recompile when rules changed. A rule's short host is resolved
     * against the registry, so a registry change can move a rule from one name to another too.
     */
    Set<String> namesWithOtherRules(ServiceDirectory other) {
        Set<String> names = new HashSet<>();
        Set<String> all = new HashSet<>(rules.keySet());
        all.addAll(other.rules.keySet());
        for (String name : all) {
            if (!Objects.equals(rules.get(name), other.rules.get(name))
                    || !Objects.equals(ruleNamespaces.get(name), other.ruleNamespaces.get(name))) {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * The registry names whose DestinationRule takes its TLS credential from a Secret of one of these
     * names: what routes to recompile when those Secrets changed. By name only, as the rule may find
     * its Secret in the gateways' namespace or its own.
     */
    Set<String> namesWithCredentials(Set<String> secretNames) {
        Set<String> names = new HashSet<>();
        rules.forEach((name, rule) -> {
            if (UpstreamTlsResolver.credentialNames(rule).stream().anyMatch(secretNames::contains)) {
                names.add(name);
            }
        });
        return names;
    }

    DestinationRuleSpec destinationRule(String fqdn) {
        return rules.get(fqdn);
    }

    Cluster cluster(Destination d, String namespace) {
        String resolved = resolveHost(d.host(), namespace);
        ServiceEndpoints svc = service(resolved);
        // a host the registry does not know, reached by name: as written, as DNS would take it
        String fqdn = svc == null && unregisteredByName ? HostNames.qualify(d.host(), namespace) : resolved;
        if (lookedUp != null) {
            lookedUp.add(fqdn); // the name its DestinationRule is found under
        }
        int port = d.portNumber() != null ? d.portNumber()
                : svc != null && svc.ports().size() == 1 ? svc.ports().getFirst().number() : 80;
        String subset = d.subset() == null ? "" : d.subset();
        return clusters.computeIfAbsent(fqdn + "|" + port + "|" + subset, k -> build(fqdn, svc, port, subset));
    }

    private Cluster build(String fqdn, ServiceEndpoints svc, int port, String subset) {
        Map<String, String> selector = Map.of();
        DestinationRuleSpec dr = rules.get(fqdn);
        DestinationRuleSpec.TrafficPolicy subsetPolicy = null;
        DestinationRuleSpec.Subset s = null;
        if (!subset.isEmpty()) {
            s = dr == null ? null
                    : dr.subsets().stream().filter(x -> subset.equals(x.name())).findFirst().orElse(null);
            if (s == null) {
                // a subset nobody defines has no endpoints: requests get 503, as in Istio
                return new Cluster(fqdn, port, subset, UNKNOWN, List.of(), isExternal(svc));
            }
            selector = s.labels();
            subsetPolicy = s.trafficPolicy();
        }
        ClusterPolicy policy = ClusterPolicies.compile(dr == null ? null : dr.trafficPolicy(), subsetPolicy, port);
        UpstreamTlsResolver.Result origination = tls.resolve(dr, s, port, ruleNamespace(fqdn));
        if (origination.failed()) {
            // a TLS setting that cannot be honoured must not fall back to plain text: no endpoints, 503
            return new Cluster(fqdn, port, subset, selector.getOrDefault("version", UNKNOWN), List.of(),
                    isExternal(svc), policy, null, false);
        }
        Map<String, String> sel = selector;
        if (svc == null && unregisteredByName && subset.isEmpty()) {
            return new Cluster(fqdn, port, subset, UNKNOWN, List.of(new Upstream(fqdn, port, Map.of())), true,
                    policy, origination.tls(), policy.pool().upgradeToHttp2());
        }
        List<Upstream> upstreams = svc == null ? List.of() : svc.endpoints().stream()
                .filter(Endpoint::healthy)
                .filter(e -> Network.reachable(nodeLabels, e.labels()))
                .filter(e -> e.hasLabels(sel))
                .map(e -> new Upstream(e.address(), e.portFor(port), e.labels(), e.weight()))
                .toList();
        upstreams = LocalityLoadBalancing.assign(upstreams, nodeLabels,
                ClusterPolicies.locality(dr == null ? null : dr.trafficPolicy(), subsetPolicy, port), policy.outlier());
        boolean http2 = http2(svc, port) || policy.pool().upgradeToHttp2();
        if (http2 && policy.proxyProtocol() != null) {
            // the HTTP/2 and gRPC clients open their own connections: a header they cannot send must not be dropped
            LOG.warning("DestinationRule for " + fqdn + " port " + port + ": proxyProtocol to an HTTP/2 port is not"
                    + " supported here; requests to it fail");
            upstreams = List.of();
        }
        return new Cluster(fqdn, port, subset, selector.getOrDefault("version", UNKNOWN), upstreams,
                isExternal(svc), policy, origination.tls(), http2);
    }

    /** Istio's HTTP/2 protocols: a port named or declared grpc, grpc-web or http2. */
    private static boolean http2(ServiceEndpoints svc, int port) {
        return svc != null && svc.ports().stream().anyMatch(p -> p.number() == port
                && HTTP2_PROTOCOLS.contains(p.protocol()));
    }

    private static final Set<String> HTTP2_PROTOCOLS = Set.of("HTTP2", "GRPC", "GRPC-WEB");

    /** Lets destinations the registry does not know be reached by name: ALLOW_ANY enforced on a gateway. */
    void reachUnregisteredHostsByName() {
        unregisteredByName = true;
    }

    private String ruleNamespace(String fqdn) {
        return ruleNamespaces.get(fqdn);
    }

    private static boolean isExternal(ServiceEndpoints svc) {
        return svc != null && "MESH_EXTERNAL".equals(svc.location());
    }
}
