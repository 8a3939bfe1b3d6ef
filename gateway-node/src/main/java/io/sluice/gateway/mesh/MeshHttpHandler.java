package io.sluice.gateway.mesh;

import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sluice.gateway.proxy.ProxyFailure;
import io.sluice.gateway.proxy.ProxyHandler;
import io.sluice.gateway.proxy.TrafficCounters;
import io.sluice.gateway.proxy.Upstreams;
import io.sluice.model.HostNames;
import io.sluice.routing.Listener;
import io.sluice.routing.OutboundPolicy;
import io.sluice.routing.RouteTable;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Plain HTTP through the mesh proxy ({@code HTTP_PROXY}): the request's absolute URI names the host
 * and the service port. A host:port the table routes goes through the usual proxy pipeline for that
 * port; anything else follows the outbound policy — PassthroughCluster (as asked) or BlackHoleCluster
 * (502).
 */
final class MeshHttpHandler implements Handler {

    private final Supplier<RouteTable> table;
    private final Upstreams upstreams;
    private final WebClient client;
    /** Same addresses, own counters: passthrough requests count once, as PassthroughCluster. */
    private final Upstreams passthroughUpstreams;
    private final Map<Integer, ProxyHandler> byPort = new ConcurrentHashMap<>();

    MeshHttpHandler(Supplier<RouteTable> table, Upstreams upstreams, WebClient client) {
        this.table = table;
        this.upstreams = upstreams;
        this.client = client;
        this.passthroughUpstreams = new Upstreams(upstreams.overrides(), new TrafficCounters());
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) throws Exception {
        String authority = req.headers().first(HeaderNames.HOST).orElseGet(req::authority);
        int port = port(req.path().rawPath(), authority);
        String host = HostNames.normalizeAuthority(authority);
        RouteTable t = table.get();
        Listener listener = t.listener(port);
        if (listener != null && listener.virtualHost(host) != null) {
            byPort.computeIfAbsent(port, p -> new ProxyHandler(table, p, "http", client, upstreams)).handle(req, res);
        } else if (t.outbound() == OutboundPolicy.REGISTRY_ONLY) {
            upstreams.counters().count(OutboundPolicy.REGISTRY_ONLY.clusterName());
            ProxyHandler.fail(res, ProxyFailure.EGRESS_BLOCKED);
        } else {
            upstreams.counters().count(OutboundPolicy.ALLOW_ANY.clusterName());
            RouteTable passthrough = RouteTable.passthrough(host, port);
            new ProxyHandler(() -> passthrough, port, "http", client, passthroughUpstreams).handle(req, res);
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
