package io.sluice.routing;

import io.sluice.model.PersistentMap;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKind;
import io.sluice.model.registry.ServiceEndpoints;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Compiles one node's route tables change after change. When only VirtualServices, DestinationRules,
 * Secrets, Ingresses and the registry changed since the last table (a canary's weights, a new route or
 * subset, endpoints coming and going, a certificate renewed: the everyday changes), it recompiles just
 * the VirtualServices edited or routing to a service whose endpoints, rule or rule's credential
 * changed, and the hosts they serve, so a change costs the same with ten routes or ten thousand; the
 * Ingresses, where there are any, are compiled again together. Any other change (a Gateway, the mesh's
 * outbound policy, the first or last Ingress) compiles the whole table,
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
     * The table after applying what changed, or null when more than VirtualServices, DestinationRules,
     * Secrets, Ingresses and the registry did.
     */
    private RouteTable update(GatewayTable previous, Map<String, Resource> config, long configRevision,
                              Map<String, ServiceEndpoints> services, long registryRevision) {
        Changes changes = new Changes();
        if (config != lastConfig && !configChanges(previous, config, changes)) {
            return null;
        }
        if (!previous.ingressUpdatable(changes.ingresses)) {
            return null;
        }
        boolean registryChanged = registryRevision != lastRegistryRevision;
        boolean directoryChanged = registryChanged || !changes.rules.isEmpty() || !changes.secrets.isEmpty();
        if (directoryChanged && !directoryChanges(previous, services, registryChanged, changes)) {
            return null;
        }
        return previous.update(changes.virtualServices.removed(), changes.virtualServices.added(), changes.ingresses,
                directoryChanged, configRevision, registryRevision);
    }

    /** What changed: VirtualServices and Ingresses to recompile, DestinationRules and Secrets to switch to. */
    private static final class Changes {
        final ResourceEdits virtualServices = new ResourceEdits();
        final ResourceEdits ingresses = new ResourceEdits();
        final ResourceEdits rules = new ResourceEdits();
        final ResourceEdits secrets = new ResourceEdits();
    }

    /**
     * Collects the old and new versions of the VirtualServices, DestinationRules, Secrets and Ingresses
     * that changed; false when another kind changed, or a VirtualService the table cannot update.
     */
    private boolean configChanges(GatewayTable previous, Map<String, Resource> config, Changes changes) {
        for (String key : changedKeys(lastConfig, config)) {
            Resource old = lastConfig.get(key);
            Resource now = config.get(key);
            Resource either = now != null ? now : old;
            if (either.kind() == ResourceKind.DESTINATION_RULE) {
                changes.rules.add(old, now);
            } else if (either.kind() == ResourceKind.SECRET) {
                changes.secrets.add(old, now);
            } else if (either.kind() == ResourceKind.INGRESS) {
                changes.ingresses.add(old, now);
            } else if ((old == null || updatable(previous, old)) && (now == null || updatable(previous, now))) {
                changes.virtualServices.add(old, now);
            } else {
                return false;
            }
        }
        return true;
    }

    /**
     * Switches the table to the new registry view, DestinationRules and Secrets, and adds the
     * VirtualServices whose routes depend on a changed service, rule or credential to those to
     * recompile; false when the table cannot take the change in part.
     */
    private boolean directoryChanges(GatewayTable previous, Map<String, ServiceEndpoints> services,
                                     boolean registryChanged, Changes changes) {
        if (!previous.directoryUpdatable()) {
            return false;
        }
        Set<String> changedServices = registryChanged ? changedKeys(lastServices, services) : Set.of();
        for (Resource vs : previous.useDirectory(services, changedServices, changes.rules, changes.secrets)) {
            // an edited one is recompiled anyway, as edited
            if (changes.virtualServices.removed().stream().noneMatch(r -> r == vs)) {
                changes.virtualServices.add(vs, vs);
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
