package io.sluice.model;

import io.sluice.model.istio.DestinationRuleSpec;
import io.sluice.model.istio.GatewaySpec;
import io.sluice.model.istio.MeshConfigSpec;
import io.sluice.model.istio.ServiceEntrySpec;
import io.sluice.model.istio.SidecarSpec;
import io.sluice.model.istio.VirtualServiceSpec;
import io.sluice.model.istio.WorkloadEntrySpec;
import io.sluice.model.kubernetes.IngressSpec;
import io.sluice.model.kubernetes.ServiceSpec;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * Every kind of resource Sluice stores, with the API group and versions it is accepted under.
 * The order of the constants is the order in which {@code apply} writes a multi-document file, so
 * that a Service exists before the VirtualService naming it (kubectl does the same for namespaces).
 */
public enum ResourceKind {
    NAMESPACE("", "Namespace", "namespaces", false, Set.of("v1")),
    SECRET("", "Secret", "secrets", true, Set.of("v1")),
    SERVICE("", "Service", "services", true, Set.of("v1")),
    MESH_CONFIG("sluice.io", "MeshConfig", "meshconfigs", true, Set.of("v1")),
    WORKLOAD_ENTRY("networking.istio.io", "WorkloadEntry", "workloadentries", true, Versions.ISTIO),
    SERVICE_ENTRY("networking.istio.io", "ServiceEntry", "serviceentries", true, Versions.ISTIO),
    DESTINATION_RULE("networking.istio.io", "DestinationRule", "destinationrules", true, Versions.ISTIO),
    GATEWAY("networking.istio.io", "Gateway", "gateways", true, Versions.ISTIO),
    VIRTUAL_SERVICE("networking.istio.io", "VirtualService", "virtualservices", true, Versions.ISTIO),
    SIDECAR("networking.istio.io", "Sidecar", "sidecars", true, Versions.ISTIO),
    INGRESS("networking.k8s.io", "Ingress", "ingresses", true, Set.of("v1"));

    /** Istio serves one schema under three versions; the object keeps the version the user sent. */
    private static final class Versions {
        static final Set<String> ISTIO = Set.of("v1alpha3", "v1beta1", "v1");
    }

    private final String group;
    private final String kind;
    private final String plural;
    private final boolean namespaced;
    private final Set<String> versions;

    ResourceKind(String group, String kind, String plural, boolean namespaced, Set<String> versions) {
        this.group = group;
        this.kind = kind;
        this.plural = plural;
        this.namespaced = namespaced;
        this.versions = versions;
    }

    /** API group; empty for the Kubernetes core group. */
    public String group() {
        return group;
    }

    /** The group as it appears in a topic key: the core group is spelled {@code core}. */
    public String keyGroup() {
        return group.isEmpty() ? "core" : group;
    }

    public String kind() {
        return kind;
    }

    public String plural() {
        return plural;
    }

    public boolean namespaced() {
        return namespaced;
    }

    /** Whether {@code apiVersion} (for example {@code networking.istio.io/v1alpha3}) names this kind's group. */
    public boolean accepts(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        String g = slash < 0 ? "" : apiVersion.substring(0, slash);
        String v = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
        return g.equals(group) && versions.contains(v);
    }

    /** The record a stored object's {@code spec} binds to, or null for a kind without one (Namespace, Secret). */
    public Class<?> specType() {
        return switch (this) {
            case VIRTUAL_SERVICE -> VirtualServiceSpec.class;
            case DESTINATION_RULE -> DestinationRuleSpec.class;
            case GATEWAY -> GatewaySpec.class;
            case SERVICE_ENTRY -> ServiceEntrySpec.class;
            case WORKLOAD_ENTRY -> WorkloadEntrySpec.class;
            case MESH_CONFIG -> MeshConfigSpec.class;
            case SERVICE -> ServiceSpec.class;
            case INGRESS -> IngressSpec.class;
            case SIDECAR -> SidecarSpec.class;
            case NAMESPACE, SECRET -> null;
        };
    }

    /** The preferred apiVersion for objects Sluice writes itself. */
    public String defaultApiVersion() {
        String v = versions.contains("v1") ? "v1" : versions.iterator().next();
        return group.isEmpty() ? v : group + "/" + v;
    }

    public static Optional<ResourceKind> byKind(String kind) {
        return Arrays.stream(values()).filter(k -> k.kind.equals(kind)).findFirst();
    }

    /** Looks a kind up as {@code kubectl get} does: plural, singular or kind name, any case. */
    public static Optional<ResourceKind> byName(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return Arrays.stream(values())
                .filter(k -> k.plural.equals(n) || k.kind.toLowerCase(java.util.Locale.ROOT).equals(n)
                        || (k.plural + "." + k.group).equals(n) || shortNames(k).contains(n))
                .findFirst();
    }

    private static Set<String> shortNames(ResourceKind k) {
        return switch (k) {
            case NAMESPACE -> Set.of("ns");
            case SERVICE -> Set.of("svc");
            case VIRTUAL_SERVICE -> Set.of("vs");
            case DESTINATION_RULE -> Set.of("dr");
            case GATEWAY -> Set.of("gw");
            case SERVICE_ENTRY -> Set.of("se");
            case WORKLOAD_ENTRY -> Set.of("we");
            case INGRESS -> Set.of("ing");
            default -> Set.of();
        };
    }
}
