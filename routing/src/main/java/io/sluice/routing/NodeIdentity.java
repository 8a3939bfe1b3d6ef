package io.sluice.routing;

import java.util.Map;

/**
 * Which gateway a node is: its labels (matched by Gateway {@code selector}s and by match blocks'
 * {@code sourceLabels}), its namespace (matched by {@code sourceNamespace}) and whether it serves the
 * reserved gateway {@code mesh} (a workload's local outbound proxy, labelled as its workload).
 */
public record NodeIdentity(String id, Map<String, String> labels, String namespace, boolean mesh) {

    /** Where Istio installs its gateways. */
    public static final String GATEWAY_NAMESPACE = "istio-system";

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
        return new NodeIdentity(id, Map.of("istio", "ingressgateway", "app", "istio-ingressgateway"),
                GATEWAY_NAMESPACE, false);
    }

    public static NodeIdentity egress(String id) {
        return new NodeIdentity(id, Map.of("istio", "egressgateway", "app", "istio-egressgateway"),
                GATEWAY_NAMESPACE, false);
    }

    /** The outbound proxy of a workload in the {@code default} namespace with no labels. */
    public static NodeIdentity meshProxy(String id) {
        return new NodeIdentity(id, Map.of(), "default", true);
    }

    /** This identity with one more label. */
    public NodeIdentity withLabel(String key, String value) {
        var l = new java.util.HashMap<>(labels);
        l.put(key, value);
        return new NodeIdentity(id, l, namespace, mesh);
    }

    /** This identity in another namespace. */
    public NodeIdentity inNamespace(String ns) {
        return new NodeIdentity(id, labels, ns, mesh);
    }

    /**
     * Whether a match block without {@code gateways} applies on this node, as Istio decides it when it
     * builds a proxy's routes: its {@code sourceLabels} are all among the node's labels and its
     * {@code sourceNamespace}, if any, is the node's.
     */
    public boolean isSource(Map<String, String> sourceLabels, String sourceNamespace) {
        return labels.entrySet().containsAll(sourceLabels.entrySet())
                && (sourceNamespace == null || sourceNamespace.isEmpty() || sourceNamespace.equals(namespace));
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
