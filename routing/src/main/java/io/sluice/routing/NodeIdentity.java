package io.sluice.routing;

import java.util.Map;

/**
 * Which gateway a node is: its labels (matched by Gateway {@code selector}s) and whether it serves the
 * reserved gateway {@code mesh} (a workload's local outbound proxy).
 */
public record NodeIdentity(String id, Map<String, String> labels, boolean mesh) {

    public static final String MESH = "mesh";

    /**
     * Label that makes a gateway node follow the mesh's outbound traffic policy for route destinations
     * the registry does not know (off unless {@code true}). Istio gateways have no such policy: a route to
     * an unknown host finds no endpoints (503). With the label, ALLOW_ANY forwards to the host as named
     * and REGISTRY_ONLY keeps it unreachable, exactly as the mesh proxy does.
     */
    public static final String ENFORCE_OUTBOUND_POLICY = "sluice.io/enforce-outbound-policy";

    public NodeIdentity {
        labels = Map.copyOf(labels);
    }

    public static NodeIdentity ingress(String id) {
        return new NodeIdentity(id, Map.of("istio", "ingressgateway", "app", "istio-ingressgateway"), false);
    }

    public static NodeIdentity egress(String id) {
        return new NodeIdentity(id, Map.of("istio", "egressgateway", "app", "istio-egressgateway"), false);
    }

    public static NodeIdentity meshProxy(String id) {
        return new NodeIdentity(id, Map.of(), true);
    }

    /** This identity with one more label. */
    public NodeIdentity withLabel(String key, String value) {
        var l = new java.util.HashMap<>(labels);
        l.put(key, value);
        return new NodeIdentity(id, l, mesh);
    }

    /** Whether this gateway applies the mesh's outbound policy to unregistered destinations. */
    public boolean enforcesOutboundPolicy() {
        return !mesh && "true".equals(labels.get(ENFORCE_OUTBOUND_POLICY));
    }

    /** Whether this node is an ingress gateway, the one that serves Kubernetes Ingresses of class istio. */
    public boolean ingressGateway() {
        return !mesh && "ingressgateway".equals(labels.get("istio"));
    }

    public boolean selectedBy(Map<String, String> selector) {
        return !mesh && labels.entrySet().containsAll(selector.entrySet());
    }
}
