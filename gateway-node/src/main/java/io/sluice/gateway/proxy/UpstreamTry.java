package io.sluice.gateway.proxy;

import io.helidon.http.Header;
import io.helidon.webserver.http.ServerRequest;
import io.sluice.gateway.resilience.Retries.LocalFailure;
import io.sluice.upstream.ConnectionPool;
import io.sluice.upstream.HeaderList;
import io.sluice.upstream.OutgoingBody;
import io.sluice.upstream.UpstreamResponse;
import io.sluice.routing.RouteAction;
import io.sluice.routing.Upstream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLHandshakeException;

/**
 * One try of a forwarded request against one endpoint: sends the request (head as forwarded, with the
 * replayable or streamed body) on a pooled connection, and reports either the response or how it failed.
 */
final class UpstreamTry {

    /**
     * Whether a header name, in any case, belongs to one connection and is never forwarded (RFC 9110
     * §7.6.1; Host and Content-Length are set anew): compared in place, since
     * lower-casing every upstream header name to look it up in a set cost more than the comparisons.
     */
    static boolean hopByHop(String name) {
        // by length first: most names are compared with none, none with more than two
        return switch (name.length()) {
            case 2 -> name.equalsIgnoreCase("te");
            case 4 -> name.equalsIgnoreCase("host");
            case 7 -> name.equalsIgnoreCase("trailer") || name.equalsIgnoreCase("upgrade");
            case 10 -> name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive");
            case 14 -> name.equalsIgnoreCase("content-length");
            case 16 -> name.equalsIgnoreCase("proxy-connection");
            case 17 -> name.equalsIgnoreCase("transfer-encoding");
            case 18 -> name.equalsIgnoreCase("proxy-authenticate");
            case 19 -> name.equalsIgnoreCase("proxy-authorization");
            default -> false;
        };
    }

    /** The response, or else the failure. */
    record Outcome(UpstreamResponse response, LocalFailure failure) {
    }

    private UpstreamTry() {
    }

    /**
     * @param destination where the endpoint is and the TLS to originate
     * @param headers the request's head as it goes upstream ({@link #forwardedHeaders} plus the rules' edits)
     * @param readTimeout the try's budget, or null for none
     * @param lastOnConnection close the connection after this request (maxRequestsPerConnection)
     */
    static Outcome send(ConnectionPool pool, Duration connectTimeout, RequestContext ctx, RouteAction.Forward f,
                        Upstream upstream, UpstreamConnector connector, RouteAction.WeightedCluster target,
                        HeaderList headers, Duration readTimeout, boolean lastOnConnection) {
        RequestView view = ctx.view;
        String query = view.query() == null || view.query().isEmpty() ? "" : "?" + view.query();
        RequestBody body = ctx.body;
        OutgoingBody outgoing;
        if (!body.present()) {
            outgoing = OutgoingBody.NONE;
        } else if (body.replayable()) {
            outgoing = new OutgoingBody.Bytes(body.bytes());
        } else {
            // keep the client's framing: a declared length goes on, else the body is chunked
            outgoing = new OutgoingBody.Streamed(view.request().headers().contentLength().orElse(-1L), body::writeTo);
        }
        try {
            return new Outcome(pool.send(connector.destination(target.cluster(), upstream, view),
                    connectTimeout, readTimeout, view.method(), rewrite(f.rewrite(), view.path()) + query, headers,
                    outgoing, lastOnConnection), null);
        } catch (IOException | RuntimeException e) {
            return new Outcome(null, classify(e));
        }
    }

    /**
     * The request's headers as they go upstream: hop-by-hop ones dropped, Host set to the authority,
     * x-forwarded-for/-proto and x-request-id added. The mirror copy carries the same.
     */
    static HeaderList forwardedHeaders(RequestContext ctx, String authority, String scheme) {
        ServerRequest req = ctx.view.request();
        HeaderList out = new HeaderList().add("host", authority);
        String priorForwardedFor = null;
        for (Header h : req.headers()) {
            String name = h.headerName().lowerCase();
            if (hopByHop(name)) {
                continue;
            }
            if (name.equals("x-forwarded-for")) {
                priorForwardedFor = h.get();
            } else if (!name.equals("x-forwarded-proto") && !name.equals("x-request-id")) {
                for (String v : h.allValues()) {
                    out.add(h.name(), v);
                }
            }
        }
        String client = ctx.remoteHost;
        out.add("x-forwarded-for", priorForwardedFor == null ? client : priorForwardedFor + ", " + client);
        out.add("x-forwarded-proto", scheme);
        out.add("x-request-id", ctx.requestId);
        return out;
    }

    static String rewrite(RouteAction.Rewrite r, String path) {
        if (r == null || r.uriPrefix() == null) {
            return path;
        }
        if (r.matchedPrefix() != null && path.startsWith(r.matchedPrefix())) {
            return r.uriPrefix() + path.substring(r.matchedPrefix().length());
        }
        return r.uriPrefix();
    }

    /**
     * A connect error, connect timeout or failed handshake is UF; a read timeout is a timeout; anything
     * else a reset.
     */
    static LocalFailure classify(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof UnknownHostException || t instanceof SSLHandshakeException) {
                return LocalFailure.CONNECT_FAILURE;
            }
            if (t instanceof SocketTimeoutException) {
                String m = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
                return m.contains("connect") ? LocalFailure.CONNECT_FAILURE : LocalFailure.PER_TRY_TIMEOUT;
            }
        }
        return LocalFailure.RESET;
    }
}
