package io.sluice.gateway.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.sluice.model.HostNames;
import io.sluice.routing.PathNormalizer;
import io.sluice.routing.RequestAttributes;

/** A Helidon request as routing sees it: normalised path, host without port, the gateway port. */
public final class RequestView implements RequestAttributes {

    private final ServerRequest request;
    private final String path;
    private final String host;
    private final String authority;
    private final int port;
    private final String scheme;

    RequestView(ServerRequest request, int port, String scheme) {
        this.request = request;
        this.path = PathNormalizer.normalize(originForm(request.path().rawPath()));
        this.authority = authority(request);
        this.host = HostNames.normalizeAuthority(authority);
        this.port = port;
        this.scheme = scheme;
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

    private static String authority(ServerRequest request) {
        return request.headers().first(HeaderNames.HOST).orElseGet(() -> request.authority());
    }

    /** The Host header as sent (or the HTTP/2 :authority), read once: forwarding and logging both need it. */
    String authority() {
        return authority;
    }

    /** The Helidon request, for steps that need more than routing attributes. */
    public ServerRequest request() {
        return request;
    }

    @Override
    public String method() {
        return request.prologue().method().text();
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public String query() {
        return request.query().rawValue();
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public String header(String name) {
        return request.headers().first(HeaderNames.create(name)).orElse(null);
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String scheme() {
        return scheme;
    }

    /** The client's address, without port. */
    public String remoteHost() {
        return request.remotePeer().host();
    }

    /** A cookie's value, without the quotes RFC 6265 allows around it, or null. */
    public String cookie(String name) {
        for (String header : request.headers().all(HeaderNames.COOKIE, java.util.List::of)) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                    String value = pair.substring(eq + 1).trim();
                    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                            ? value.substring(1, value.length() - 1) : value;
                }
            }
        }
        return null;
    }

    /** A query parameter's first value, or null. */
    public String queryParameter(String name) {
        return request.query().first(name).orElse(null);
    }
}
