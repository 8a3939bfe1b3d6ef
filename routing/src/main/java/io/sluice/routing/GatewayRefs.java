package io.sluice.routing;

import io.sluice.routing.NodeIdentity;

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
}
