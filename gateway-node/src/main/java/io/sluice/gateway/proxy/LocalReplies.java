package io.sluice.gateway.proxy;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.sluice.routing.RouteAction;
import io.sluice.routing.RoutePolicy;
import java.nio.charset.StandardCharsets;

/** Answers the proxy gives itself: failures, direct responses, redirects and injected aborts. */
final class LocalReplies {

    /** Envoy's body for an injected abort. */
    static final String FAULT_ABORT_BODY = "fault filter abort";
    private static final HeaderName GRPC_STATUS = HeaderNames.create("grpc-status");
    private static final HeaderName GRPC_MESSAGE = HeaderNames.create("grpc-message");

    private LocalReplies() {
    }

    static void fail(ServerResponse res, RequestContext ctx, ProxyFailure failure) {
        ctx.flag(failure.flag());
        if (res.isSent()) {
            return;
        }
        res.status(Status.create(failure.status()));
        CrossOrigin.allowOrigin(res, ctx);
        text(res, ctx, failure.body());
    }

    /** An injected abort: the HTTP status, or a gRPC status as gRPC answers it (200 with its headers, no body). */
    static void abort(ServerResponse res, RequestContext ctx, RoutePolicy.Fault fault) {
        ctx.flag("FI");
        CrossOrigin.allowOrigin(res, ctx);
        if (fault.abortGrpcStatus() >= 0) {
            ctx.grpcStatus = Integer.toString(fault.abortGrpcStatus());
            res.status(Status.OK_200)
                    .header(HeaderNames.CONTENT_TYPE, "application/grpc")
                    .header(GRPC_STATUS, Integer.toString(fault.abortGrpcStatus()))
                    .header(GRPC_MESSAGE, FAULT_ABORT_BODY.replace(" ", "%20")) // percent-encoded, as gRPC has it
                    .send();
            return;
        }
        res.status(Status.create(fault.abortStatus()));
        text(res, ctx, FAULT_ABORT_BODY);
    }

    static void direct(ServerResponse res, RequestContext ctx, RouteAction.DirectResponse d) {
        res.status(Status.create(d.status()));
        byte[] body = d.body().getBytes(StandardCharsets.UTF_8);
        ctx.bytesSent = body.length;
        res.send(body);
    }

    static void redirect(ServerResponse res, RequestContext ctx, RouteAction.Redirect r) {
        RequestView view = ctx.view;
        String scheme = r.scheme() != null ? r.scheme() : view.scheme();
        String host = r.authority() != null ? r.authority() : view.host();
        String port = r.port() != null ? ":" + r.port() : "";
        String path = r.uri() != null ? r.uri() : view.path();
        String query = view.query() == null || view.query().isEmpty() ? "" : "?" + view.query();
        res.status(Status.create(r.status()))
                .header(HeaderNames.LOCATION, scheme + "://" + host + port + path + query)
                .send();
    }

    private static void text(ServerResponse res, RequestContext ctx, String body) {
        if (body.isEmpty()) {
            res.send();
            return;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ctx.bytesSent = bytes.length;
        res.header(HeaderNames.CONTENT_TYPE, "text/plain").send(bytes);
    }
}
