package io.sluice.routing;

import java.util.List;
import java.util.Map;

/** How a VirtualService names a Gateway: {@code name} in its own namespace, {@code ns/name}, or {@code mesh}. */
final class GatewayRefs {

    private GatewayRefs() {
    }

    static String resolve(String ref, String namespace) {
        if (ref.equals(NodeIdentity.MESH) || ref.indexOf('/') >= 0) {
            return ref;
        }
        // Istio also accepts name.namespace (deprecated); the short form is by far the common one
        int dot = ref.indexOf('.');
        if (dot > 0) {
            return ref.substring(dot + 1) + "/" + ref.substring(0, dot);
        }
        return namespace + "/" + ref;
    }

    /**
     * Whether a match block applies on a node serving {@code gatewayRef}: a block that lists gateways
     * applies on those, one that does not applies where its source conditions hold (Istio's
     * sourceMatchHTTP, which ignores the source conditions of a block that lists gateways).
     */
    static boolean applies(List<String> gateways, Map<String, String> sourceLabels, String sourceNamespace,
                           String namespace, String gatewayRef, NodeIdentity node) {
        if (!gateways.isEmpty()) {
            return gateways.stream().anyMatch(g -> resolve(g, namespace).equals(gatewayRef));
        }
        return node.isSource(sourceLabels, sourceNamespace);
    }
}
