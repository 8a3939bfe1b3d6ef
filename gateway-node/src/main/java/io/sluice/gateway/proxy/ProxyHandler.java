package io.sluice.gateway.proxy;

import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sluice.routing.Cors;
import io.sluice.routing.Listener;
import io.sluice.routing.Route;
import io.sluice.routing.RouteAction;
import io.sluice.routing.RouteTable;
import io.sluice.routing.VirtualHost;

/**
 * The request path of one gateway server port, as a short pipeline: find the route in the current
 * table; answer it locally, redirect, answer a CORS preflight, or hand it to the {@link Forwarder};
 * then tell the observers (metrics, access log) what happened.
 */
public final class ProxyHandler implements Handler {

    private final Proxy proxy;
    private final int gatewayPort;
    private final String scheme;
    private final Forwarder forwarder;

    ProxyHandler(Proxy proxy, int gatewayPort, String scheme) {
        this.proxy = proxy;
        this.gatewayPort = gatewayPort;
        this.scheme = scheme;
        this.forwarder = new Forwarder(proxy, scheme);
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        RequestContext ctx = new RequestContext(new RequestView(req, gatewayPort, scheme));
        try {
            answer(ctx, req, res);
        } finally {
            proxy.observer().completed(ctx.finish(res));
        }
        if (ctx.view.lastOnClientConnection()) {
            // Helidon 4.5 answers "Connection: close" and then waits for another request (helidon#12324);
            // this exception, once the answer is out, is how a handler makes it close the connection
            throw new CloseConnectionException("the client closes its connection after this exchange");
        }
    }

    private void answer(RequestContext ctx, ServerRequest req, ServerResponse res) {
        if (!ctx.view.targetAcceptable()) {
            LocalReplies.fail(res, ctx, ProxyFailure.INVALID_TARGET);
            return;
        }
        Route route = route(proxy.table().get(), ctx.view, req);
        if (route == null) {
            LocalReplies.fail(res, ctx, ProxyFailure.NO_ROUTE);
            return;
        }
        ctx.route = route.origin();
        switch (route.action()) {
            case RouteAction.DirectResponse d -> LocalReplies.direct(res, ctx, d);
            case RouteAction.Redirect r -> LocalReplies.redirect(res, ctx, r);
            case RouteAction.Forward f -> {
                Cors cors = route.policy().cors();
                if (cors == null || !CrossOrigin.answeredPreflight(res, ctx, cors)) {
                    forwarder.forward(ctx, res, route.policy(), f);
                }
            }
        }
    }

    private Route route(RouteTable table, RequestView view, ServerRequest req) {
        Listener listener = table.listener(gatewayPort);
        VirtualHost vh = listener == null ? null : listener.virtualHost(view.host());
        // on a TLS port each server routes only its own hosts: the SNI's server must cover the Host
        if (vh != null && listener.tls() != null && !proxy.tls().admits(req, listener.tls(), view.host())) {
            return null;
        }
        return vh == null ? null : vh.route(view);
    }
}
