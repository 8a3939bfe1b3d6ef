package io.sluice.gateway.proxy;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sluice.gateway.mirror.MirrorTap;
import io.sluice.gateway.resilience.UpstreamState;
import io.sluice.gateway.tls.GatewayTls;
import io.sluice.upstream.ConnectionPool;
import io.sluice.routing.RouteTable;
import java.util.function.Supplier;

/**
 * What every listener of a node shares: the current table, the pool of upstream connections, the run-time state of
 * upstreams, who is told about each answered request, the mirror tap, how endpoints are reached
 * (resolve overrides, TLS origination, traffic counters), and the node's TLS termination.
 */
public record Proxy(Supplier<RouteTable> table, ConnectionPool pool, UpstreamState upstreams,
                    ExchangeObserver observer, MirrorTap tap, UpstreamConnector connector, GatewayTls tls) {

    public ProxyHandler handler(int gatewayPort, String scheme) {
        return new ProxyHandler(this, gatewayPort, scheme);
    }

    /** Answers a request the node will not route (the outbound policy's BlackHoleCluster), observed as any. */
    public void refuse(ServerRequest req, ServerResponse res, int gatewayPort, ProxyFailure failure) {
        RequestContext ctx = new RequestContext(new RequestView(req, gatewayPort, "http"));
        try {
            LocalReplies.fail(res, ctx, failure);
        } finally {
            observer.completed(ctx.finish(res));
        }
    }
}
