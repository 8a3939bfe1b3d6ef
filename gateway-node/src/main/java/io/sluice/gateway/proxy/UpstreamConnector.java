package io.sluice.gateway.proxy;

import io.sluice.gateway.upstream.Destination;
import io.sluice.gateway.upstream.TlsOrigin;
import io.sluice.model.net.ResolveOverrides;
import io.sluice.routing.Cluster;
import io.sluice.routing.ClusterPolicy;
import io.sluice.routing.Upstream;
import io.sluice.routing.UpstreamTls;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a node reaches its upstreams: where an endpoint's name really is (resolver overrides), the TLS
 * it originates (DestinationRule {@code tls}), and the per-cluster traffic counters.
 */
public final class UpstreamConnector {

    private final ResolveOverrides overrides;
    private final TrafficCounters counters;
    /** One TLS origin per setting and host: pooled connections are reused per origin instance. */
    private final Map<TlsKey, TlsOrigin> tls = new ConcurrentHashMap<>();

    public UpstreamConnector(ResolveOverrides overrides, TrafficCounters counters) {
        this.overrides = overrides;
        this.counters = counters;
    }

    /** Overrides from the environment ({@code SLUICE_RESOLVE_FILE}) and fresh counters. */
    public static UpstreamConnector fromEnvironment() {
        return new UpstreamConnector(ResolveOverrides.fromEnvironment(), new TrafficCounters());
    }

    public ResolveOverrides overrides() {
        return overrides;
    }

    public TrafficCounters counters() {
        return counters;
    }

    /**
     * Where to connect for an endpoint: an override, or the endpoint as named. Left unresolved, so that
     * looking a name up happens when connecting, never here.
     */
    public InetSocketAddress address(Upstream u) {
        ResolveOverrides.Target t = overrides.resolve(u.address(), u.port());
        return InetSocketAddress.createUnresolved(t.address(), t.port());
    }

    /**
     * Where an endpoint of a cluster really is, with the TLS the cluster originates to it (or none), the
     * lifetime its DestinationRule gives connections and the protocol spoken.
     *
     * @param clientHttp2 the request came in HTTP/2: it goes on in HTTP/2 where the rule says
     *                    {@code useClientProtocol}
     */
    Destination destination(Cluster cluster, Upstream u, boolean clientHttp2) {
        ResolveOverrides.Target t = overrides.resolve(u.address(), u.port());
        ClusterPolicy.ConnectionPool pool = cluster.policy().pool();
        TlsOrigin tls = tls(cluster);
        return new Destination(t.address(), t.port(), tls, pool.idleTimeout(), pool.maxConnectionDuration(),
                pool.keepalive(), cluster.http2() || pool.useClientProtocol() && clientHttp2);
    }

    /** The TLS a cluster originates; the server name is the rule's sni or the host. */
    private TlsOrigin tls(Cluster cluster) {
        UpstreamTls t = cluster.tls();
        if (t == null) {
            return null;
        }
        String serverName = t.sni() != null ? t.sni() : cluster.host();
        return tls.computeIfAbsent(new TlsKey(t, serverName), k -> OriginationTls.create(k.tls(), k.serverName()));
    }

    private record TlsKey(UpstreamTls tls, String serverName) {
    }
}
