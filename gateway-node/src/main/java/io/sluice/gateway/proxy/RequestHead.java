package io.sluice.gateway.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.sluice.model.HostNames;
import io.sluice.routing.PathNormalizer;
import io.sluice.routing.RequestAttributes;
import io.sluice.upstream.Tokens;

/**
 * A request as routing sees it, from its head alone: normalised path, host without port, the gateway
 * port. A WebSocket upgrade is routed on this before Helidon makes a request of it; every other request
 * through its {@link RequestView}.
 */
class RequestHead implements RequestAttributes {

    private final HttpPrologue prologue;
    private final Headers headers;
    private final String path;
    private final String host;
    private final String authority;
    private final int port;
    private final String scheme;

    /**
     * @param rawPath   the request target's path as sent
     * @param authority the Host header as sent (or the HTTP/2 :authority)
     */
    RequestHead(HttpPrologue prologue, String rawPath, Headers headers, String authority, int port, String scheme) {
        this.prologue = prologue;
        this.headers = headers;
        this.path = PathNormalizer.normalize(originForm(rawPath));
        this.authority = authority;
        this.host = HostNames.normalizeAuthority(authority);
        this.port = port;
        this.scheme = scheme;
    }

    /** A head as an upgrade request brings it: HTTP/1.1, so the Host header is the authority. */
    static RequestHead of(HttpPrologue prologue, Headers headers, int port, String scheme) {
        return new RequestHead(prologue, prologue.uriPath().rawPath(), headers,
                headers.first(HeaderNames.HOST).orElse(""), port, scheme);
    }

    /**
     * The path of a request target: a proxy request's absolute form ({@code http://host/get}, what
     * a client sends to the mesh proxy through HTTP_PROXY) reduced to {@code /get}.
     */
    static String originForm(String rawPath) {
        int scheme = rawPath.indexOf("://");
        if (scheme <= 0 || rawPath.startsWith("/")) {
            return rawPath;
        }
        int slash = rawPath.indexOf('/', scheme + 3);
        return slash < 0 ? "/" : rawPath.substring(slash);
    }

    HttpPrologue prologue() {
        return prologue;
    }

    /** Whether the client speaks HTTP/2 (by ALPN or prior knowledge), which trailers and useClientProtocol need. */
    boolean http2() {
        return prologue.protocolVersion().equals("2.0");
    }

    Headers headers() {
        return headers;
    }

    /**
     * Whether the client's HTTP/1.1 connection ends with this exchange: it said {@code Connection: close}
     * (RFC 9112 §9.6). HTTP/1.0 never gets here: Helidon closes such connections unanswered, where Envoy,
     * with Istio's defaults, refuses them with 426.
     */
    boolean lastOnClientConnection() {
        return !http2() && Tokens.contains(headers.first(HeaderNames.CONNECTION).orElse(""), "close");
    }

    /** The Host header as sent (or the HTTP/2 :authority), read once: forwarding and logging both need it. */
    String authority() {
        return authority;
    }

    @Override
    public String method() {
        return prologue.method().text();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String query() {
        return prologue.query().rawValue();
    }

    /**
     * Whether the request target holds only what a request line may carry, as Envoy's codec checks it:
     * no controls, spaces or DEL (bytes past ASCII are taken). Anything printable is left to routing.
     */
    boolean targetAcceptable() {
        return printable(prologue.uriPath().rawPath()) && printable(query());
    }

    private static boolean printable(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public String header(String name) {
        return headers.first(HeaderNames.create(name)).orElse(null);
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String scheme() {
        return scheme;
    }
}
