package io.sluice.routing;

import io.sluice.model.Json;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKind;
import io.sluice.model.registry.ServiceEndpoints;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A consistent view of everything a route table is compiled from: the config resources and the
 * registry's services, each with the topic revision it was read at.
 *
 * @param boundSpecs specs bound when the resources were read, by resource identity (a resource's
 *                   equality compares its whole JSON body); see {@link #spec}
 */
public record ConfigSnapshot(Collection<Resource> resources, long configRevision,
                             Map<String, ServiceEndpoints> services, long registryRevision,
                             Map<Resource, Object> boundSpecs) {

    public ConfigSnapshot {
        resources = List.copyOf(resources);
        services = Map.copyOf(services);
        boundSpecs = Collections.unmodifiableMap(boundSpecs);
    }

    /** A snapshot whose specs are bound by {@link #spec} as the compilers ask for them. */
    public ConfigSnapshot(Collection<Resource> resources, long configRevision,
                          Map<String, ServiceEndpoints> services, long registryRevision) {
        this(resources, configRevision, services, registryRevision, Map.of());
    }

    /** A snapshot of resources whose specs were bound as they were read. */
    public static ConfigSnapshot bound(Collection<BoundResource> resources, long configRevision,
                                       Map<String, ServiceEndpoints> services, long registryRevision) {
        Map<Resource, Object> specs = new IdentityHashMap<>(resources.size() * 2);
        List<Resource> plain = new ArrayList<>(resources.size());
        for (BoundResource b : resources) {
            plain.add(b.resource());
            if (b.spec() != null) {
                specs.put(b.resource(), b.spec());
            }
        }
        return new ConfigSnapshot(plain, configRevision, services, registryRevision, specs);
    }

    /**
     * The spec of one of this snapshot's resources as {@code type}: the one bound when it was read, or
     * bound now (throwing, as {@link Json#spec} does, when it does not bind).
     */
    public <T> T spec(Resource resource, Class<T> type) {
        Object bound = boundSpecs.get(resource);
        return type.isInstance(bound) ? type.cast(bound) : Json.spec(resource, type);
    }

    /**
     * Resources of one kind, oldest first then by namespace and name: the order in which Istio merges
     * VirtualServices for one host.
     */
    public List<Resource> ofKind(ResourceKind kind) {
        return resources.stream()
                .filter(r -> r.kind() == kind)
                .sorted(Comparator
                        .comparing((Resource r) -> nullToEmpty(r.metadata().creationTimestamp()))
                        .thenComparing(r -> nullToEmpty(r.namespace()))
                        .thenComparing(Resource::name))
                .toList();
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
