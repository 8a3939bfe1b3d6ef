package io.sluice.gateway.proxy;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.sluice.gateway.resilience.Retries.LocalFailure;
import io.sluice.routing.RouteAction;
import io.sluice.routing.Upstream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * One try of a forwarded request against one endpoint: builds the upstream request from the client's,
 * sends it with the (replayable or streamed) body, and reports either the response or how it failed.
 */
final class UpstreamTry {

    /** Headers that belong to one connection, never forwarded (RFC 9110 §7.6.1). */
    static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization", "proxy-authenticate",
            "host", "content-length");
    private static final HeaderName FORWARDED_FOR = HeaderNames.create("x-forwarded-for");
    private static final HeaderName FORWARDED_PROTO = HeaderNames.create("x-forwarded-proto");

    /** The response, or else the failure. */
    record Outcome(HttpClientResponse response, LocalFailure failure) {
    }

    private UpstreamTry() {
    }

    /**
     * @param connector where the endpoint really is, and the TLS to originate to it
     * @param readTimeout the try's budget, or null for the client's default
     * @param lastOnConnection close the connection after this request (maxRequestsPerConnection)
     */
    static Outcome send(WebClient client, RequestContext ctx, String scheme, RouteAction.Forward f,
                        RouteAction.WeightedCluster target, UpstreamConnector connector, Upstream upstream,
                        Duration readTimeout,
                        boolean lastOnConnection) {
        RequestView view = ctx.view;
        String path = rewrite(f.rewrite(), view.path());
        String query = view.query() == null || view.query().isEmpty() ? "" : "?" + view.query();
        HttpClientRequest out = client.method(Method.create(view.method()))
                .uri(connector.origin(target.cluster(), upstream) + path + query)
                .skipUriEncoding(true);
        connector.applyTls(out, target.cluster());
        if (readTimeout != null) {
            out.readTimeout(readTimeout);
        }
        if (lastOnConnection) {
            out.keepAlive(false);
        }
        String authority = f.rewrite() != null && f.rewrite().authority() != null
                ? f.rewrite().authority() : RequestView.authority(view.request());
        copyRequestHeaders(ctx, out, authority, scheme);
        HeaderEdits.apply(out.headers(), f.requestHeaders());
        HeaderEdits.apply(out.headers(), target.requestHeaders());
        try {
            RequestBody body = ctx.body;
            HttpClientResponse res;
            if (!body.present()) {
                res = out.request();
            } else if (body.replayable()) {
                res = out.submit(body.bytes());
            } else {
                // keep the client's framing: a declared length goes on, else the body is chunked
                view.request().headers().contentLength().ifPresent(n -> out.header(HeaderNames.CONTENT_LENGTH,
                        Long.toString(n)));
                res = out.outputStream(os -> {
                    body.writeTo(os);
                    os.close();
                });
            }
            return new Outcome(res, null);
        } catch (RuntimeException e) {
            return new Outcome(null, classify(e));
        }
    }

    private static void copyRequestHeaders(RequestContext ctx, HttpClientRequest out, String authority,
                                           String scheme) {
        for (Header h : forwardedHeaders(ctx, authority, scheme)) {
            out.header(h);
        }
    }

    /**
     * The request's headers as they go upstream: hop-by-hop ones dropped, Host set to the authority,
     * x-forwarded-for/-proto and x-request-id added. The mirror copy carries the same.
     */
    static WritableHeaders<?> forwardedHeaders(RequestContext ctx, String authority, String scheme) {
        var req = ctx.view.request();
        WritableHeaders<?> out = WritableHeaders.create();
        for (Header h : req.headers()) {
            if (!HOP_BY_HOP.contains(h.name().toLowerCase(Locale.ROOT))) {
                out.add(h);
            }
        }
        out.set(HeaderNames.HOST, authority);
        String client = req.remotePeer().host();
        String prior = req.headers().first(FORWARDED_FOR).orElse(null);
        out.set(FORWARDED_FOR, prior == null ? client : prior + ", " + client);
        out.set(FORWARDED_PROTO, scheme);
        out.set(Forwarder.REQUEST_ID, ctx.requestId);
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

    /** A connect error or connect timeout is UF; a read timeout is a timeout; anything else a reset. */
    static LocalFailure classify(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof UnknownHostException) {
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
