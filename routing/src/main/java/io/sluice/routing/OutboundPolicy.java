package io.sluice.routing;

/**
 * What the mesh proxy does with traffic for a host no route and no registry entry knows: Istio's
 * {@code meshConfig.outboundTrafficPolicy.mode}. ALLOW_ANY (the default) passes it to the host the
 * client named; REGISTRY_ONLY drops it (HTTP 502; a TLS tunnel is closed after the ClientHello, so the
 * client's handshake fails).
 */
public enum OutboundPolicy {
    ALLOW_ANY("PassthroughCluster"),
    REGISTRY_ONLY("BlackHoleCluster");

    private final String clusterName;

    OutboundPolicy(String clusterName) {
        this.clusterName = clusterName;
    }

    /** Istio's name for where such traffic goes, used in metrics and logs. */
    public String clusterName() {
        return clusterName;
    }
}
