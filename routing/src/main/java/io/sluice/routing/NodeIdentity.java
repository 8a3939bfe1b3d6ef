package io.sluice.routing;

import java.util.Map;

/**
 * Which gateway a node is: its labels (matched by Gateway {@code selector}s) and whether it serves the
 * reserved gateway {@code mesh} (a workload's local outbound proxy).
 */
public record NodeIdentity(String id, Map<String, String> labels, boolean mesh) {

    public static final String MESH = "mesh";

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

    /** Whether this node is an ingress gateway, the one that serves Kubernetes Ingresses of class istio. */
    public boolean ingressGateway() {
        return !mesh && "ingressgateway".equals(labels.get("istio"));
    }

    public boolean selectedBy(Map<String, String> selector) {
        return !mesh && labels.entrySet().containsAll(selector.entrySet());
    }
}
