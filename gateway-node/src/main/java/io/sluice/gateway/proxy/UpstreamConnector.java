package io.sluice.gateway.proxy;

import io.helidon.common.tls.Tls;
import io.helidon.webclient.api.HttpClientRequest;
import io.sluice.model.net.ResolveOverrides;
import io.sluice.routing.Cluster;
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
    /** One Tls per setting and host, so WebClient's connection cache keeps reusing connections. */
    private final Map<TlsKey, Tls> tls = new ConcurrentHashMap<>();

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

    /** {@code scheme://host:port} of an endpoint of a cluster: https when the cluster originates TLS. */
    String origin(Cluster cluster, Upstream u) {
        String authority = overrides.resolve(u.address(), u.port()).authority();
        return (cluster.tls() == null ? "http://" : "https://") + authority;
    }

    /** Sets the TLS a cluster originates on the request; the server name is the rule's sni or the host. */
    void applyTls(HttpClientRequest out, Cluster cluster) {
        UpstreamTls t = cluster.tls();
        if (t != null) {
            String serverName = t.sni() != null ? t.sni() : cluster.host();
            out.tls(tls.computeIfAbsent(new TlsKey(t, serverName), k -> OriginationTls.create(k.tls(), k.serverName())));
        }
    }

    private record TlsKey(UpstreamTls tls, String serverName) {
    }
}
