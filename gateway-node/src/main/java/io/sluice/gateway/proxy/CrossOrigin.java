package io.sluice.gateway.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.sluice.routing.Cors;

/**
 * A rule's CORS policy applied as Envoy's CORS filter applies it. A request without an Origin header
 * is not a CORS request and passes untouched. A preflight (OPTIONS with Access-Control-Request-Method)
 * from an allowed origin is answered here and never reaches the upstream; one from any other origin is
 * forwarded, or answered without CORS headers when the policy ignores unmatched preflights. Every other
 * answer to an allowed origin (relayed or the gateway's own) names that origin as allowed.
 */
final class CrossOrigin {

    private CrossOrigin() {
    }

    /** Notes the request's origin if the policy allows it; returns true when it was a preflight answered here. */
    static boolean answeredPreflight(ServerResponse res, RequestContext ctx, Cors cors) {
        Headers headers = ctx.view.request().headers();
        String origin = headers.first(HeaderNames.ORIGIN).orElse("");
        if (origin.isEmpty()) {
            return false;
        }
        boolean allowed = cors.allows(origin);
        if (allowed) {
            ctx.cors = cors;
            ctx.corsOrigin = origin;
        }
        String method = headers.first(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD).orElse("");
        boolean preflight = ctx.view.method().equals("OPTIONS") && !method.isEmpty();
        if (!preflight || (!allowed && cors.forwardUnmatchedPreflights())) {
            return false;
        }
        res.status(Status.OK_200);
        if (allowed) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        }
        if (cors.allowCredentials()) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        if (!cors.allowMethods().isEmpty()) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, cors.allowMethods().equals("*") ? method
                    : cors.allowMethods());
        }
        if (!cors.allowHeaders().isEmpty()) {
            String asked = headers.first(HeaderNames.ACCESS_CONTROL_REQUEST_HEADERS).orElse("");
            String allow = cors.allowHeaders().equals("*") ? asked : cors.allowHeaders();
            if (!allow.isEmpty()) {
                res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, allow);
            }
        }
        if (!cors.maxAge().isEmpty()) {
            res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, cors.maxAge());
        }
        res.send();
        return true;
    }

    /** Marks an answer to an allowed origin; set last, so it replaces whatever the upstream said. */
    static void allowOrigin(ServerResponse res, RequestContext ctx) {
        if (ctx.corsOrigin == null) {
            return;
        }
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, ctx.corsOrigin);
        if (ctx.cors.allowCredentials()) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        if (!ctx.cors.exposeHeaders().isEmpty()) {
            res.header(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, ctx.cors.exposeHeaders());
        }
    }
}
