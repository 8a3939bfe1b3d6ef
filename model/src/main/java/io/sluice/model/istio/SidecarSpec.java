package io.sluice.model.istio;

import java.util.List;

/**
 * Istio's Sidecar: what a workload's outbound proxy sees of the mesh and its own outbound traffic
 * policy. Sluice's mesh proxy is a workload's outbound proxy, so the egress side is what applies.
 *
 * @param workloadSelector the workloads of its namespace it applies to ({@code labels}); without one,
 *                         every workload of its namespace that no selecting Sidecar takes, or, in the
 *                         root namespace {@code istio-system}, every workload of a namespace without a
 *                         Sidecar of its own
 * @param egress           listeners, each importing the hosts it lists ({@code namespace/dnsName}) on its
 *                         port, or on every port when it has none; without any, every host is seen
 * @param outboundTrafficPolicy overrides the mesh's for these workloads
 */
public record SidecarSpec(WorkloadSelector workloadSelector, List<EgressListener> egress,
                          MeshConfigSpec.OutboundTrafficPolicy outboundTrafficPolicy) {

    public SidecarSpec {
        egress = egress == null ? List.of() : List.copyOf(egress);
    }

    public record EgressListener(Port port, List<String> hosts) {

        public EgressListener {
            hosts = hosts == null ? List.of() : List.copyOf(hosts);
        }
    }

    /** Istio's SidecarPort; the number is what scopes a listener. */
    public record Port(Integer number, String protocol, String name) {
    }
}
