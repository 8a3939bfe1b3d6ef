package io.sluice.routing;

import io.sluice.model.Resource;
import io.sluice.model.ResourceKind;
import io.sluice.model.registry.ServiceEndpoints;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compiles one node's route tables change after change. When only VirtualServices changed since the
 * last table (a canary's weights, a new route: the everyday edit), it recompiles just those and the
 * hosts they serve, so a change costs the same with ten routes or ten thousand; any other change (a
 * Gateway, a DestinationRule, a Secret, the registry) compiles the whole table, as {@link RouteCompiler}
 * does. Either way the table is the one {@link RouteCompiler} would compile from the same state.
 *
 * <p>Not thread-safe: one compiler thread per node.
 */
public final class IncrementalRouteCompiler {

    private final NodeIdentity node;
    /** What the last table was compiled from; null after a failure or before the first compile. */
    private GatewayTable last;
    private Map<String, Resource> lastConfig = Map.of();
    private long lastRegistryRevision;
    private long updates;

    public IncrementalRouteCompiler(NodeIdentity node) {
        this.node = node;
    }

    /**
     * @param config   the config topic's resources by record key; an unchanged resource is the same
     *                 object as in the last call, as a {@code CompactedTopicStore} snapshot keeps it
     * @param services the registry's services by host
     */
    public RouteTable compile(Map<String, Resource> config, long configRevision,
                              Map<String, ServiceEndpoints> services, long registryRevision) {
        GatewayTable previous = last;
        last = null; // until this compile is done: a failure part way must not leave a table to build on
        RouteTable table = previous == null || registryRevision != lastRegistryRevision ? null
                : update(previous, config, configRevision);
        if (table == null) {
            ConfigSnapshot snapshot = new ConfigSnapshot(config.values(), configRevision, services, registryRevision);
            if (node.mesh()) {
                return RouteCompiler.compile(snapshot, node);
            }
            previous = GatewayTable.compile(snapshot, node);
            table = previous.table();
        } else {
            updates++;
        }
        last = previous;
        lastConfig = config;
        lastRegistryRevision = registryRevision;
        return table;
    }

    /** How many tables were compiled by updating the last one rather than from scratch. */
    public long updates() {
        return updates;
    }

    /** The table after applying what changed, or null when more than VirtualServices did. */
    private RouteTable update(GatewayTable previous, Map<String, Resource> config, long configRevision) {
        List<Resource> removed = new ArrayList<>();
        List<Resource> added = new ArrayList<>();
        int created = 0;
        for (var e : config.entrySet()) {
            Resource old = lastConfig.get(e.getKey());
            if (old == e.getValue()) {
                continue;
            }
            if (!updatable(previous, e.getValue()) || old != null && !updatable(previous, old)) {
                return null;
            }
            if (old == null) {
                created++;
            } else {
                removed.add(old);
            }
            added.add(e.getValue());
        }
        if (lastConfig.size() + created > config.size()) { // some were deleted
            for (var e : lastConfig.entrySet()) {
                if (!config.containsKey(e.getKey())) {
                    if (!updatable(previous, e.getValue())) {
                        return null;
                    }
                    removed.add(e.getValue());
                }
            }
        }
        return previous.update(removed, added, configRevision);
    }

    private static boolean updatable(GatewayTable table, Resource r) {
        return r.kind() == ResourceKind.VIRTUAL_SERVICE && table.updatable(r);
    }
}
