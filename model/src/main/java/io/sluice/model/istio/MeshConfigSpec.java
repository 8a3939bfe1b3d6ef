package io.sluice.model.istio;

/**
 * Sluice's stored form of Istio's mesh-wide settings ({@code meshConfig} in an IstioOperator):
 * kind {@code MeshConfig} in group {@code sluice.io}, one object named {@code mesh} in
 * {@code istio-system}.
 */
public record MeshConfigSpec(OutboundTrafficPolicy outboundTrafficPolicy) {

    public static final String NAME = "mesh";
    public static final String NAMESPACE = "istio-system";

    public record OutboundTrafficPolicy(String mode) {
    }

    /** ALLOW_ANY unless REGISTRY_ONLY is set, as in Istio. */
    public boolean registryOnly() {
        return outboundTrafficPolicy != null && "REGISTRY_ONLY".equals(outboundTrafficPolicy.mode());
    }
}
