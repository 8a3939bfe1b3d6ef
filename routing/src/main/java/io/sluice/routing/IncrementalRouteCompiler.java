package io.sluice.routing;

import io.sluice.model.PersistentMap;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKind;
import io.sluice.model.registry.ServiceEndpoints;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles one node's route tables change after change. When only VirtualServices, DestinationRules
 * and the registry changed since the last table (a canary's weights, a new route or subset, endpoints
 * coming and going: the everyday changes), it recompiles just the VirtualServices edited or routing
 * to a service whose endpoints or rule changed, and the hosts they serve, so a change costs the same
 * with ten routes or ten thousand. Any other change (a Gateway, a Secret) compiles the whole table,
 * as {@link RouteCompiler} does. Either way the table is the one {@link RouteCompiler} would compile
 * from the same state.
 *
 * <p>Not thread-safe: one compiler thread per node.
 */
public final class IncrementalRouteCompiler {

    private final NodeIdentity node;
    /** What the last table was compiled from; null after a failure or before the first compile. */
    private GatewayTable last;
    private Map<String, Resource> lastConfig = Map.of();
    private Map<String, ServiceEndpoints> lastServices = Map.of();
    private long lastRegistryRevision;
    private long updates;

    public IncrementalRouteCompiler(NodeIdentity node) {
        this.node = node;
    }

    /**
     * @param config   the config topic's resources by record key; an unchanged resource is the same
     *                 object as in the last call, as a {@code CompactedTopicStore} snapshot keeps it (its
     *                 {@link PersistentMap} views are compared by what they do not share)
     * @param services the registry's services by host; an unchanged one is the same object as in the
     *                 last call, as for {@code config}
     */
    public RouteTable compile(Map<String, Resource> config, long configRevision,
                              Map<String, ServiceEndpoints> services, long registryRevision) {
        GatewayTable previous = last;
        last = null; // until this compile is done: a failure part way must not leave a table to build on
        RouteTable table = previous == null ? null
                : update(previous, config, configRevision, services, registryRevision);
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
        lastServices = services;
        lastRegistryRevision = registryRevision;
        return table;
    }

    /** How many tables were compiled by updating the last one rather than from scratch. */
    public long updates() {
        return updates;
    }

    /**
     * The table after applying what changed, or null when more than VirtualServices, DestinationRules
     * and the registry did.
     */
    private RouteTable update(GatewayTable previous, Map<String, Resource> config, long configRevision,
                              Map<String, ServiceEndpoints> services, long registryRevision) {
        Changes changes = new Changes();
        if (config != lastConfig && !configChanges(previous, config, changes)) {
            return null;
        }
        boolean registryChanged = registryRevision != lastRegistryRevision;
        if ((registryChanged || !changes.rulesRemoved.isEmpty() || !changes.rulesAdded.isEmpty())
                && !directoryChanges(previous, services, registryChanged, changes)) {
            return null;
        }
        return previous.update(changes.removed, changes.added, configRevision, registryRevision);
    }

    /** The old and new versions of what changed: VirtualServices to recompile, DestinationRules to switch to. */
    private static final class Changes {
        final List<Resource> removed = new ArrayList<>();
        final List<Resource> added = new ArrayList<>();
        final List<Resource> rulesRemoved = new ArrayList<>();
        final List<Resource> rulesAdded = new ArrayList<>();
    }

    /**
     * Collects the old and new versions of the VirtualServices and DestinationRules that changed; false
     * when another kind changed, or a VirtualService the table cannot update.
     */
    private boolean configChanges(GatewayTable previous, Map<String, Resource> config, Changes changes) {
        for (String key : changedKeys(lastConfig, config)) {
            Resource old = lastConfig.get(key);
            Resource now = config.get(key);
            Resource either = now != null ? now : old;
            if (either.kind() == ResourceKind.DESTINATION_RULE) {
                add(old, now, changes.rulesRemoved, changes.rulesAdded);
            } else if ((old == null || updatable(previous, old)) && (now == null || updatable(previous, now))) {
                add(old, now, changes.removed, changes.added);
            } else {
                return false;
            }
        }
        return true;
    }

    private static void add(Resource old, Resource now, List<Resource> removed, List<Resource> added) {
        if (old != null) {
            removed.add(old);
        }
        if (now != null) {
            added.add(now);
        }
    }

    /**
     * Switches the table to the new registry view and DestinationRules, and adds the VirtualServices
     * whose routes depend on a changed service or rule to those to recompile; false when the table
     * cannot take the change in part.
     */
    private boolean directoryChanges(GatewayTable previous, Map<String, ServiceEndpoints> services,
                                     boolean registryChanged, Changes changes) {
        if (!previous.directoryUpdatable()) {
            return false;
        }
        Set<String> changedServices = registryChanged ? changedKeys(lastServices, services) : Set.of();
        for (Resource vs : previous.useDirectory(services, changedServices, changes.rulesRemoved, changes.rulesAdded)) {
            if (changes.removed.stream().noneMatch(r -> r == vs)) { // an edited one is recompiled anyway, as edited
                changes.removed.add(vs);
                changes.added.add(vs);
            }
        }
        return true;
    }

    /**
     * The keys added, removed or given another object from {@code before} to {@code after}. Two views of
     * one store are compared by what they do not share, a cost of the change; other maps key by key.
     */
    private static <V> Set<String> changedKeys(Map<String, V> before, Map<String, V> after) {
        if (before instanceof PersistentMap<V> b && after instanceof PersistentMap<V> a) {
            return PersistentMap.changedKeys(b, a);
        }
        Set<String> changed = new HashSet<>();
        after.forEach((key, v) -> {
            if (before.get(key) != v) {
                changed.add(key);
            }
        });
        if (before.size() + changed.size() > after.size()) { // keys can only have gone if this holds
            before.keySet().forEach(key -> {
                if (!after.containsKey(key)) {
                    changed.add(key);
                }
            });
        }
        return changed;
    }

    private static boolean updatable(GatewayTable table, Resource r) {
        return r.kind() == ResourceKind.VIRTUAL_SERVICE && table.updatable(r);
    }
}
