package io.sluice.gateway.proxy;

import io.sluice.model.net.ResolveOverrides;
import io.sluice.routing.Cluster;
import io.sluice.routing.Upstream;
import io.sluice.upstream.Destination;
import io.sluice.upstream.Destinations;
import java.net.InetSocketAddress;

/**
 * How a node reaches its upstreams: where an endpoint's name really is (resolver overrides), the TLS
 * it originates (DestinationRule {@code tls}), and the per-cluster traffic counters.
 */
public final class UpstreamConnector {

    private final Destinations destinations;
    private final TrafficCounters counters;

    public UpstreamConnector(ResolveOverrides overrides, TrafficCounters counters) {
        this.destinations = new Destinations(overrides);
        this.counters = counters;
    }

    /** Overrides from the environment ({@code SLUICE_RESOLVE_FILE}) and fresh counters. */
    public static UpstreamConnector fromEnvironment() {
        return new UpstreamConnector(ResolveOverrides.fromEnvironment(), new TrafficCounters());
    }

    public ResolveOverrides overrides() {
        return destinations.overrides();
    }

    public TrafficCounters counters() {
        return counters;
    }

    /** See {@link Destinations#address}. */
    public InetSocketAddress address(Upstream u) {
        return destinations.address(u);
    }

    /** See {@link Destinations#destination}; the client's addresses are read only for a PROXY protocol header. */
    Destination destination(Cluster cluster, Upstream u, RequestView client) {
        return destinations.destination(cluster, u, client.http2(),
                cluster.policy().proxyProtocol() == null ? null : client.peers());
    }
}
