package io.sluice.registry;

import io.sluice.model.HostNames;
import io.sluice.model.Json;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKind;
import io.sluice.model.istio.ServiceEntrySpec;
import io.sluice.model.istio.WorkloadEntrySpec;
import io.sluice.model.kubernetes.ServiceSpec;
import io.sluice.model.net.ResolveOverrides;
import io.sluice.model.registry.Endpoint;
import io.sluice.model.registry.Locality;
import io.sluice.model.registry.Network;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.model.registry.ServicePort;
import io.sluice.model.registry.Workload;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Joins services with the workloads that serve them, into the finished endpoint lists the gateways
 * read. A pure function of its inputs, so the whole registry can be recomputed on any change.
 *
 * <ul>
 * <li>A Kubernetes Service selects, in its namespace, the registered workloads that named it and the
 *     workloads (registered or WorkloadEntry) whose labels match its selector. Each service port maps
 *     to the workload's own port when the workload serves that port, else to the targetPort.</li>
 * <li>Workloads that name a service no Service object describes still form a service, so
 *     {@code ./sluice backend --register} works without YAML.</li>
 * <li>A ServiceEntry's hosts are services as written, with its endpoints and the WorkloadEntries its
 *     workloadSelector picks (or, for DNS and NONE resolution without endpoints, the host itself).
 *     Resolution DNS publishes every address a name resolves to (Envoy's STRICT_DNS), DNS_ROUND_ROBIN
 *     the first (LOGICAL_DNS), so gateways never resolve on the request path; NONE and STATIC publish
 *     addresses as written. A name that does not resolve is published as the name, for the gateway to
 *     resolve when connecting.</li>
 * <li>Service port → workload port: a registered workload's own port; else a WorkloadEntry's
 *     {@code ports[<service port name>]}; else the targetPort.</li>
 * </ul>
 */
public final class EndpointsBuilder {

    private static final String INTERNAL = "MESH_INTERNAL";

    /** The annotation, on a Service or ServiceEntry, that turns on active HTTP health checks. */
    public static final String HEALTH_PATH_ANNOTATION = "sluice.io/health-path";

    /** Resolves a name for one port; empty when it does not resolve. */
    @FunctionalInterface
    public interface Resolver {
        List<ResolveOverrides.Target> resolve(String name, int port);
    }

    private EndpointsBuilder() {
    }

    /** The kinds endpoints are built from: a change to any other kind leaves every service as it was. */
    public static boolean readsFrom(ResourceKind kind) {
        return kind == ResourceKind.SERVICE || kind == ResourceKind.SERVICE_ENTRY
                || kind == ResourceKind.WORKLOAD_ENTRY;
    }

    public static Map<String, ServiceEndpoints> build(Collection<Resource> config, Collection<Workload> workloads,
                                                      Resolver resolver) {
        List<Instance> instances = new ArrayList<>();
        workloads.forEach(w -> instances.add(Instance.of(w)));
        for (Resource r : config) {
            if (r.kind() == ResourceKind.WORKLOAD_ENTRY) {
                instances.add(Instance.of(r.namespace(), Json.spec(r, WorkloadEntrySpec.class)));
            }
        }
        WorkloadIndex index = new WorkloadIndex(instances);
        Map<String, ServiceEndpoints> out = new TreeMap<>();
        for (Resource r : config) {
            if (r.kind() == ResourceKind.SERVICE) {
                ServiceEndpoints s = fromService(r, index);
                out.put(s.host(), s);
            }
        }
        fromRegistrationsAlone(workloads, out);
        for (Resource r : config) {
            if (r.kind() == ResourceKind.SERVICE_ENTRY) {
                fromServiceEntry(r, index, resolver).forEach(s -> out.put(s.host(), s));
            }
        }
        return out;
    }

    private static ServiceEndpoints fromService(Resource r, WorkloadIndex instances) {
        ServiceSpec spec = Json.spec(r, ServiceSpec.class);
        String host = HostNames.serviceFqdn(r.name(), r.namespace());
        List<ServicePort> ports = spec.ports().stream()
                .map(p -> new ServicePort(p.port(), p.name(), protocolOf(p.name(), p.appProtocol())))
                .toList();
        List<Endpoint> endpoints = new ArrayList<>();
        for (Instance i : instances.ofService(r.namespace(), r.name(), spec.selector())) {
            Map<Integer, Integer> portMap = new LinkedHashMap<>();
            for (ServiceSpec.ServicePort p : spec.ports()) {
                Integer own = i.ports().get(p.port());
                if (own == null && p.name() != null) {
                    own = i.portsByName().get(p.name());
                }
                portMap.put(p.port(), own != null ? own : p.targetPortNumber());
            }
            endpoints.add(new Endpoint(i.address(), portMap, i.labels(), true, i.id(), i.weight()));
        }
        return new ServiceEndpoints(Json.SCHEMA_VERSION, host, r.namespace(), "Service", ports, INTERNAL,
                "STATIC", endpoints);
    }

    private static void fromRegistrationsAlone(Collection<Workload> workloads, Map<String, ServiceEndpoints> out) {
        Map<String, List<Workload>> byService = new HashMap<>();
        for (Workload w : workloads) {
            String host = HostNames.serviceFqdn(w.service(), w.namespace());
            if (!out.containsKey(host)) {
                byService.computeIfAbsent(host, h -> new ArrayList<>()).add(w);
            }
        }
        byService.forEach((host, list) -> {
            Map<Integer, ServicePort> ports = new TreeMap<>();
            List<Endpoint> endpoints = new ArrayList<>();
            for (Workload w : list) {
                ports.putIfAbsent(w.servicePort(), new ServicePort(w.servicePort(), "http", "HTTP"));
                endpoints.add(new Endpoint(w.address(), Map.of(w.servicePort(), w.port()), w.labels(), true, w.id(),
                        w.weight()));
            }
            out.put(host, new ServiceEndpoints(Json.SCHEMA_VERSION, host, list.getFirst().namespace(), "Workload",
                    List.copyOf(ports.values()), INTERNAL, "STATIC", endpoints));
        });
    }

    private static List<ServiceEndpoints> fromServiceEntry(Resource r, WorkloadIndex instances, Resolver resolver) {
        ServiceEntrySpec spec = Json.spec(r, ServiceEntrySpec.class);
        List<ServicePort> ports = spec.ports().stream()
                .map(p -> new ServicePort(p.number(), p.name(), p.protocol() == null ? "TCP"
                        : p.protocol().toUpperCase(Locale.ROOT)))
                .toList();
        String location = spec.location() == null ? "MESH_EXTERNAL" : spec.location();
        String resolution = spec.resolution() == null ? "NONE" : spec.resolution();
        List<ServiceEndpoints> out = new ArrayList<>();
        for (String h : spec.hosts()) {
            String host = h.toLowerCase(Locale.ROOT);
            List<Endpoint> endpoints = new ArrayList<>();
            for (WorkloadEntrySpec e : spec.endpoints()) {
                endpoints.add(new Endpoint(e.address(), portsByName(spec, e.ports()), placed(e), true, null,
                        weightOf(e)));
            }
            if (spec.workloadSelector() != null) {
                for (Instance i : instances.selectedBy(r.namespace(), spec.workloadSelector().selected())) {
                    endpoints.add(new Endpoint(i.address(), portsByName(spec, i.portsByName()), i.labels(), true,
                            i.id(), i.weight()));
                }
            }
            if (endpoints.isEmpty() && !"STATIC".equals(resolution) && !host.startsWith("*")) {
                // DNS/NONE without endpoints: connect to the host itself, resolved when connecting
                Map<Integer, Integer> identity = new LinkedHashMap<>();
                spec.ports().forEach(p -> identity.put(p.number(),
                        p.targetPort() != null ? p.targetPort() : p.number()));
                endpoints.add(new Endpoint(host, identity, Map.of(), true, null));
            }
            if (resolution.startsWith("DNS")) {
                boolean firstOnly = resolution.equals("DNS_ROUND_ROBIN");
                endpoints = endpoints.stream().flatMap(e -> resolve(e, firstOnly, resolver).stream()).toList();
            }
            out.add(new ServiceEndpoints(Json.SCHEMA_VERSION, host, r.namespace(), "ServiceEntry", ports, location,
                    resolution, endpoints));
        }
        return out;
    }

    /**
     * The endpoint once per address its name resolves to, each service port mapped to the resolved port
     * (an override may map ports). If any port does not resolve, the name stays as it is.
     */
    private static List<Endpoint> resolve(Endpoint e, boolean firstOnly, Resolver resolver) {
        Map<String, Map<Integer, Integer>> byAddress = new LinkedHashMap<>();
        for (Map.Entry<Integer, Integer> p : e.ports().entrySet()) {
            List<ResolveOverrides.Target> targets = resolver.resolve(e.address(), p.getValue());
            if (targets.isEmpty()) {
                return List.of(e);
            }
            for (ResolveOverrides.Target t : firstOnly ? targets.subList(0, 1) : targets) {
                byAddress.computeIfAbsent(t.address(), a -> new LinkedHashMap<>()).put(p.getKey(), t.port());
            }
        }
        List<Endpoint> out = new ArrayList<>();
        byAddress.forEach((address, ports) -> out.add(new Endpoint(address, ports, e.labels(), e.healthy(),
                e.workload(), e.weight())));
        return out;
    }

    /** Service host → health-check path, for the Services and ServiceEntries that ask for one. */
    public static Map<String, String> healthPaths(Collection<Resource> config) {
        Map<String, String> out = new TreeMap<>();
        for (Resource r : config) {
            String path = r.metadata().annotations().get(HEALTH_PATH_ANNOTATION);
            if (path == null || path.isBlank()) {
                continue;
            }
            String p = path.startsWith("/") ? path : "/" + path;
            if (r.kind() == ResourceKind.SERVICE) {
                out.put(HostNames.serviceFqdn(r.name(), r.namespace()), p);
            } else if (r.kind() == ResourceKind.SERVICE_ENTRY) {
                Json.spec(r, ServiceEntrySpec.class).hosts().forEach(h -> out.put(h.toLowerCase(Locale.ROOT), p));
            }
        }
        return out;
    }

    /** Endpoint ports are keyed by the ServiceEntry port's name; unnamed ones keep the service port. */
    private static Map<Integer, Integer> portsByName(ServiceEntrySpec spec, Map<String, Integer> byName) {
        Map<Integer, Integer> m = new LinkedHashMap<>();
        for (ServiceEntrySpec.Port p : spec.ports()) {
            Integer target = p.name() == null ? null : byName.get(p.name());
            m.put(p.number(), target != null ? target : p.targetPort() != null ? p.targetPort() : p.number());
        }
        return m;
    }

    private static String protocolOf(String portName, String appProtocol) {
        String p = appProtocol != null ? appProtocol : portName != null ? portName.split("-")[0] : "http";
        return p.toUpperCase(Locale.ROOT);
    }

    /** An entry's labels with its locality and network put over them, as labels (Locality, Network). */
    private static Map<String, String> placed(WorkloadEntrySpec e) {
        return Network.withNetwork(Locality.withLocality(e.labels(), e.locality()), e.network());
    }

    private static int weightOf(WorkloadEntrySpec e) {
        return e.weight() == null ? 1 : e.weight();
    }

    /** A workload from either source, seen the same way by the selectors. */
    record Instance(String id, String service, String namespace, String address,
                            Map<Integer, Integer> ports, Map<String, Integer> portsByName,
                            Map<String, String> labels, int weight) {

        static Instance of(Workload w) {
            return new Instance(w.id(), w.service(), w.namespace(), w.address(), Map.of(w.servicePort(), w.port()),
                    Map.of(), w.labels(), w.weight());
        }

        static Instance of(String namespace, WorkloadEntrySpec e) {
            return new Instance(namespace + "/" + e.address(), null, namespace, e.address(), Map.of(), e.ports(),
                    placed(e), weightOf(e));
        }
    }
}
