package io.sluice.routing;

import io.sluice.model.Resource;
import io.sluice.model.ResourceKind;
import io.sluice.model.registry.ServiceEndpoints;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A consistent view of everything a route table is compiled from: the config resources and the
 * registry's services, each with the topic revision it was read at.
 */
public record ConfigSnapshot(Collection<Resource> resources, long configRevision,
                             Map<String, ServiceEndpoints> services, long registryRevision) {

    public ConfigSnapshot {
        resources = List.copyOf(resources);
        services = Map.copyOf(services);
    }

    /**
     * Oldest first, then by namespace and name: the order in which Istio merges VirtualServices for one
     * host.
     */
    static final Comparator<Resource> MERGE_ORDER = Comparator
            .comparing((Resource r) -> nullToEmpty(r.metadata().creationTimestamp()))
            .thenComparing(r -> nullToEmpty(r.namespace()))
            .thenComparing(Resource::name);

    /** Resources of one kind in {@link #MERGE_ORDER}. */
    public List<Resource> ofKind(ResourceKind kind) {
        return resources.stream()
                .filter(r -> r.kind() == kind)
                .sorted(MERGE_ORDER)
                .toList();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
