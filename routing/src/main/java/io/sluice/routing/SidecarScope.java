package io.sluice.routing;

import io.sluice.model.Json;
import io.sluice.model.Resource;
import io.sluice.model.istio.MeshConfigSpec;
import io.sluice.model.istio.SidecarSpec;
import java.util.List;
import java.util.Locale;

/**
 * What a workload's outbound proxy sees of the mesh, from the Istio Sidecar that applies to it, chosen
 * as Istio chooses: the oldest one in the workload's namespace whose {@code workloadSelector} its labels
 * match, else the one of its namespace without a selector, else the one of the root namespace
 * ({@code istio-system}) without a selector. Its egress listeners import hosts ({@code namespace/dnsName})
 * on their port, or on every port for the one without; a host it does not import is not in the
 * proxy's table, so its traffic is left to the outbound policy, which the Sidecar may set for its
 * workloads over the mesh's. Without a Sidecar a proxy sees every host under the mesh's policy.
 */
final class SidecarScope {

    /** A listener's port (null: every port) and the hosts it imports. */
    private record Listener(Integer port, List<Import> imports) {
    }

    /**
     * {@code namespace/dnsName}; the namespace already resolved, {@code .} to the workload's: as in Istio,
     * where the root namespace's default Sidecar importing {@code ./*} lets each workload see its own
     * namespace, not the root's.
     */
    private record Import(String namespace, String dnsName) {

        static Import parse(String host, String workloadNamespace) {
            int slash = host.indexOf('/');
            String ns = host.substring(0, slash);
            return new Import(ns.equals(".") ? workloadNamespace : ns,
                    host.substring(slash + 1).toLowerCase(Locale.ROOT));
        }

        boolean covers(String namespace, String host) {
            if (this.namespace.equals("~") || !this.namespace.equals("*") && !this.namespace.equals(namespace)) {
                return false;
            }
            return dnsName.equals("*") || (dnsName.startsWith("*.") ? host.endsWith(dnsName.substring(1))
                    : dnsName.equals(host));
        }
    }

    /** The scope of a proxy no Sidecar applies to: every host, the mesh's policy. */
    private static final List<Listener> EVERYTHING = List.of(new Listener(null, List.of(new Import("*", "*"))));

    private final List<Listener> listeners;
    private final OutboundPolicy outbound;

    private SidecarScope(List<Listener> listeners, OutboundPolicy outbound) {
        this.listeners = listeners;
        this.outbound = outbound;
    }

    /** @param sidecars every Sidecar, oldest first */
    static SidecarScope of(List<Resource> sidecars, NodeIdentity node, OutboundPolicy meshPolicy) {
        Resource chosen = select(sidecars, node);
        if (chosen == null) {
            return new SidecarScope(EVERYTHING, meshPolicy);
        }
        SidecarSpec spec = Json.spec(chosen, SidecarSpec.class);
        List<Listener> listeners = spec.egress().isEmpty() ? EVERYTHING : spec.egress().stream()
                .map(l -> new Listener(l.port() == null ? null : l.port().number(),
                        l.hosts().stream().map(h -> Import.parse(h, node.namespace())).toList()))
                .toList();
        MeshConfigSpec.OutboundTrafficPolicy own = spec.outboundTrafficPolicy();
        OutboundPolicy outbound = own == null || own.mode() == null ? meshPolicy : OutboundPolicy.valueOf(own.mode());
        return new SidecarScope(listeners, outbound);
    }

    private static Resource select(List<Resource> sidecars, NodeIdentity node) {
        Resource namespaceDefault = null;
        Resource rootDefault = null;
        for (Resource r : sidecars) {
            SidecarSpec spec = Json.spec(r, SidecarSpec.class);
            boolean selects = spec.workloadSelector() != null && !spec.workloadSelector().labels().isEmpty();
            if (selects && r.namespace().equals(node.namespace())
                    && node.labels().entrySet().containsAll(spec.workloadSelector().labels().entrySet())) {
                return r;
            }
            if (!selects && namespaceDefault == null && r.namespace().equals(node.namespace())) {
                namespaceDefault = r;
            }
            if (!selects && rootDefault == null && r.namespace().equals(MeshConfigSpec.NAMESPACE)) {
                rootDefault = r;
            }
        }
        return namespaceDefault != null ? namespaceDefault : rootDefault;
    }

    /**
     * Whether the proxy sees a host of a namespace on a port: through the listener of that port, or,
     * where there is none, the catch-all one.
     */
    boolean imports(String namespace, String host, int port) {
        Listener listener = null;
        for (Listener l : listeners) {
            if (l.port() != null && l.port() == port || l.port() == null && listener == null) {
                listener = l;
            }
        }
        if (listener == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return listener.imports().stream().anyMatch(i -> i.covers(namespace, h));
    }

    OutboundPolicy outbound() {
        return outbound;
    }
}
