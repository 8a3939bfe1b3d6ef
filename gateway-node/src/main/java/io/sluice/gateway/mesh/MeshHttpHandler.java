package io.sluice.gateway.mesh;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sluice.gateway.proxy.ProxyFailure;
import io.sluice.gateway.proxy.Proxy;
import io.sluice.gateway.proxy.ProxyHandler;
import io.sluice.gateway.proxy.TrafficCounters;
import io.sluice.gateway.proxy.UpstreamConnector;
import io.sluice.model.HostNames;
import io.sluice.routing.Listener;
import io.sluice.routing.OutboundPolicy;
import io.sluice.routing.RouteTable;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Plain HTTP through the mesh proxy ({@code HTTP_PROXY}): the request's absolute URI names the host
 * and the service port. A host:port the table routes goes through the usual proxy pipeline for that
 * port; anything else follows the outbound policy — PassthroughCluster (as asked) or BlackHoleCluster
 * (502).
 */
final class MeshHttpHandler implements Handler {

    private final Proxy proxy;
    /** Same connections and addresses, own counters: passthrough requests count once, as PassthroughCluster. */
    private final UpstreamConnector passthroughConnector;
    private final Map<Integer, ProxyHandler> byPort = new ConcurrentHashMap<>();

    MeshHttpHandler(Proxy proxy) {
        this.proxy = proxy;
        this.passthroughConnector = new UpstreamConnector(proxy.connector().overrides(), new TrafficCounters());
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) throws Exception {
        String authority = req.headers().first(HeaderNames.HOST).orElseGet(req::authority);
        int port = port(req.path().rawPath(), authority);
        String host = HostNames.normalizeAuthority(authority);
        RouteTable t = proxy.table().get();
        Listener listener = t.listener(port);
        if (listener != null && listener.virtualHost(host) != null) {
            byPort.computeIfAbsent(port, p -> proxy.handler(p, "http")).handle(req, res);
        } else if (t.outbound() == OutboundPolicy.REGISTRY_ONLY) {
            proxy.connector().counters().count(OutboundPolicy.REGISTRY_ONLY.clusterName());
            proxy.refuse(req, res, port, ProxyFailure.EGRESS_BLOCKED);
        } else {
            proxy.connector().counters().count(OutboundPolicy.ALLOW_ANY.clusterName());
            RouteTable passthrough = RouteTable.passthrough(host, port);
            new Proxy(() -> passthrough, proxy.pool(), proxy.upstreams(), proxy.observer(), proxy.tap(),
                    passthroughConnector, proxy.tls()).handler(port, "http").handle(req, res);
        }
    }

    /** The port of the absolute request URI, else of the Host header, else 80. */
    static int port(String rawTarget, String authority) {
        if (!rawTarget.startsWith("/")) {
            try {
                URI u = URI.create(rawTarget);
                if (u.getPort() > 0) {
                    return u.getPort();
                }
                return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
            } catch (IllegalArgumentException e) {
                // not a URI: fall back to the Host header
            }
        }
        int colon = authority.lastIndexOf(':');
        if (colon > 0 && authority.indexOf(']', colon) < 0) {
            try {
                return Integer.parseInt(authority.substring(colon + 1));
            } catch (NumberFormatException ignored) {
                // a malformed port: the default
            }
        }
        return 80;
    }
}
