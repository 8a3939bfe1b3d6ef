package io.sluice.routing;

import io.sluice.model.Json;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKind;
import io.sluice.model.istio.MeshConfigSpec;

/**
 * Turns a consistent snapshot of config and registry into the {@link RouteTable} of one node. Runs
 * once per change, off the request path; everything a request needs (regexes, weights, endpoints) is
 * resolved here.
 */
public final class RouteCompiler {

    private RouteCompiler() {
    }

    /**
     * The config kinds a node's table is compiled from (Secrets also for the node's certificates;
     * Sidecars for mesh proxies only, as Istio applies them to sidecars and never to gateways). The rest,
     * Services and the other workload kinds, reach routing through the registry's endpoints, so a node
     * need not even decode them.
     */
    public static boolean readsFrom(NodeIdentity node, ResourceKind kind) {
        return kind == ResourceKind.GATEWAY || kind == ResourceKind.VIRTUAL_SERVICE
                || kind == ResourceKind.DESTINATION_RULE || kind == ResourceKind.SECRET
                || kind == ResourceKind.MESH_CONFIG || kind == ResourceKind.INGRESS
                || kind == ResourceKind.SIDECAR && node.mesh();
    }

    public static RouteTable compile(ConfigSnapshot snapshot, NodeIdentity node) {
        if (node.mesh()) {
            return MeshRouteCompiler.compile(snapshot, node, directory(snapshot, node), outboundPolicy(snapshot));
        }
        return GatewayTable.compile(snapshot, node).table();
    }

    /** The services, the node's DestinationRules and the Secrets its routes resolve destinations against. */
    static ServiceDirectory directory(ConfigSnapshot snapshot, NodeIdentity node) {
        return new ServiceDirectory(snapshot.services(),
                ServiceDirectory.rulesFor(snapshot.ofKind(ResourceKind.DESTINATION_RULE), node),
                snapshot.ofKind(ResourceKind.SECRET), node.labels());
    }

    /** The mesh-wide policy from MeshConfig {@code istio-system/mesh}; ALLOW_ANY without one. */
    static OutboundPolicy outboundPolicy(ConfigSnapshot snapshot) {
        for (Resource r : snapshot.ofKind(ResourceKind.MESH_CONFIG)) {
            if (MeshConfigSpec.NAME.equals(r.name()) && MeshConfigSpec.NAMESPACE.equals(r.namespace())) {
                return Json.spec(r, MeshConfigSpec.class).registryOnly()
                        ? OutboundPolicy.REGISTRY_ONLY : OutboundPolicy.ALLOW_ANY;
            }
        }
        return OutboundPolicy.ALLOW_ANY;
    }
}
