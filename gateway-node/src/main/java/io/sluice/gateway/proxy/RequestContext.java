package io.sluice.gateway.proxy;

import io.sluice.gateway.mirror.MirrorCapture;
import io.sluice.upstream.GrpcExchanges;
import io.helidon.common.socket.PeerInfo;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sluice.routing.Cluster;
import io.sluice.routing.Cors;
import java.time.Instant;

/**
 * The facts one request collects as it goes through the pipeline (route, cluster, endpoint, flags,
 * byte counts), turned into an immutable {@link Exchange} when it has been answered. Owned by the
 * request's thread.
 */
final class RequestContext {

    final RequestView view;
    private final Instant start = Instant.now();
    private final long startNanos = System.nanoTime();
    /** Read as the request starts: an HTTP/2 client may close the connection as soon as it has the answer. */
    private final String downstreamLocal;
    private final String downstreamRemote;
    /** The client's address, without port (x-forwarded-for). */
    final String remoteHost;
    String route;
    Cluster cluster;
    String upstreamHost;
    long upstreamServiceTime = -1;
    long bytesSent;
    RequestBody body;
    /** The mirror copy being taken of this request, if a rule mirrors it. */
    MirrorCapture mirror = MirrorCapture.NONE;
    /** The x-request-id sent upstream: the client's, or one made up for it. */
    String requestId;
    /** The session cookie made up for a cookie hash, for the answer to set; null when none was. */
    String setCookie;
    /** The rule's CORS policy and the request's origin, when the policy allows that origin. */
    Cors cors;
    String corsOrigin;
    /** The status a gRPC answer carried (in its head or trailers), or set with an injected gRPC abort. */
    String grpcStatus;
    private String flags;

    RequestContext(RequestView view) {
        this.view = view;
        ServerRequest req = view.request();
        // Helidon builds a new PeerInfo on every call: one call each
        PeerInfo local = req.localPeer();
        PeerInfo remote = req.remotePeer();
        this.remoteHost = remote.host();
        this.downstreamLocal = local.host() + ":" + local.port();
        this.downstreamRemote = remoteHost + ":" + remote.port();
    }

    void flag(String flag) {
        flags = flags == null ? flag : flags + "," + flag;
    }

    /** "HTTP/1.1" without building it anew for nearly every request. */
    private static String protocol(HttpPrologue p) {
        return p.protocol().equals("HTTP") && p.protocolVersion().equals("1.1") ? "HTTP/1.1"
                : p.protocol() + "/" + p.protocolVersion();
    }

    Exchange finish(ServerResponse res) {
        ServerRequest req = view.request();
        return new Exchange(start, (System.nanoTime() - startNanos) / 1_000_000, view.method(),
                req.path().rawPath() + (view.query().isEmpty() ? "" : "?" + view.query()),
                protocol(req.prologue()),
                res.status().code(), flags == null ? "-" : flags, body == null ? 0 : body.size(), bytesSent,
                upstreamServiceTime, req.headers().first(HeaderNames.X_FORWARDED_FOR).orElse(null),
                req.headers().first(HeaderNames.USER_AGENT).orElse(null),
                requestId != null ? requestId : req.headers().first(Forwarder.REQUEST_ID).orElse(null),
                view.authority(), upstreamHost, cluster,
                downstreamLocal, downstreamRemote, route, grpcStatus(req, res.status().code()));
    }

    /**
     * A gRPC call's status: the answer's, else mapped from the HTTP status as Envoy maps it (a call that
     * never reached its server, say); null for requests that are not gRPC calls.
     */
    private String grpcStatus(ServerRequest req, int httpStatus) {
        if (grpcStatus != null) {
            return grpcStatus;
        }
        if (!GrpcExchanges.isGrpc(req.headers().first(HeaderNames.CONTENT_TYPE).orElse(null))) {
            return null;
        }
        return switch (httpStatus) {
            case 400 -> "13"; // INTERNAL
            case 401 -> "16"; // UNAUTHENTICATED
            case 403 -> "7"; // PERMISSION_DENIED
            case 404 -> "12"; // UNIMPLEMENTED
            case 429, 502, 503, 504 -> "14"; // UNAVAILABLE
            default -> "2"; // UNKNOWN
        };
    }
}
