package io.sluice.upstream;

import io.sluice.model.net.ResolveOverrides;
import io.sluice.routing.Cluster;
import io.sluice.routing.ClusterPolicy;
import io.sluice.routing.Upstream;
import io.sluice.routing.UpstreamTls;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the endpoints of a cluster are reached: where an endpoint's name really is (resolver overrides),
 * the TLS the cluster originates to it (DestinationRule {@code tls}), the lifetime its rule gives
 * connections and the protocol spoken. Gateways and the mirror sink both ask here, so a replayed request
 * goes to a shadow the way the gateway would have sent it.
 */
public final class Destinations {

    private final ResolveOverrides overrides;
    /** One TLS origin per setting and host: pooled connections are reused per origin instance. */
    private final Map<TlsKey, TlsOrigin> tls = new ConcurrentHashMap<>();

    public Destinations(ResolveOverrides overrides) {
        this.overrides = overrides;
    }

    public ResolveOverrides overrides() {
        return overrides;
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
     * @param clientHttp2 the request came in HTTP/2: it goes on in HTTP/2 where the rule says
     *                    {@code useClientProtocol}
     * @param client      the client's address and the one it connected to, for a PROXY protocol header;
     *                    null when there is no client (a replay)
     */
    public Destination destination(Cluster cluster, Upstream u, boolean clientHttp2, Peers client) {
        ResolveOverrides.Target t = overrides.resolve(u.address(), u.port());
        ClusterPolicy policy = cluster.policy();
        ClusterPolicy.ConnectionPool pool = policy.pool();
        ProxyHeader header = policy.proxyProtocol() == null ? null : client == null
                ? ProxyHeader.of(policy.proxyProtocol(), null, null)
                : ProxyHeader.of(policy.proxyProtocol(), client.remote(), client.local());
        // the HTTP/2 clients cannot send a PROXY header: a client's HTTP/2 goes on in HTTP/1.1 rather than
        // without the header the endpoint requires (a port declared HTTP/2 with one has no endpoints at all)
        boolean http2 = cluster.http2() || pool.useClientProtocol() && clientHttp2 && header == null;
        return new Destination(t.address(), t.port(), tls(cluster), pool.idleTimeout(), pool.maxConnectionDuration(),
                pool.keepalive(), http2, header);
    }

    /** A client connection's two ends: the client's address, and the gateway's it connected to. */
    public record Peers(InetSocketAddress remote, InetSocketAddress local) {
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
