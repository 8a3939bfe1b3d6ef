package io.sluice.routing;

import java.util.List;

/**
 * A service port, optionally narrowed to a subset, with its endpoints resolved at compile time.
 * The name follows Istio's {@code outbound|<port>|<subset>|<host>} so metrics and dumps read the same.
 *
 * @param version  the subset's {@code version} label (Istio's destination_version), or "unknown"
 * @param external true for MESH_EXTERNAL ServiceEntry hosts
 * @param policy   the DestinationRule's load balancing, connection pool and outlier detection
 * @param tls      TLS the gateway originates to the endpoints (DestinationRule {@code trafficPolicy.tls}),
 *                 or null for plain connections
 * @param http2    the endpoints are spoken to in HTTP/2: a gRPC or HTTP/2 port (by name or appProtocol, as
 *                 Istio selects protocols), or an HTTP one whose rule says {@code h2UpgradePolicy: UPGRADE}
 */
public record Cluster(String host, int port, String subset, String version, List<Upstream> endpoints,
                      boolean external, ClusterPolicy policy, UpstreamTls tls, boolean http2) {

    public Cluster {
        endpoints = List.copyOf(endpoints);
        subset = subset == null ? "" : subset;
        policy = policy == null ? ClusterPolicy.DEFAULT : policy;
    }

    /** A cluster with Istio's default policy and plain connections. */
    public Cluster(String host, int port, String subset, String version, List<Upstream> endpoints,
                   boolean external) {
        this(host, port, subset, version, endpoints, external, ClusterPolicy.DEFAULT, null, false);
    }

    public String name() {
        return "outbound|" + port + "|" + subset + "|" + host;
    }

    /** The endpoint for a random number in [0, 2^31), so tests can pin the choice. */
    public Upstream pick(int random) {
        return endpoints.get(Math.floorMod(random, endpoints.size()));
    }

    public boolean hasEndpoints() {
        return !endpoints.isEmpty();
    }
}
