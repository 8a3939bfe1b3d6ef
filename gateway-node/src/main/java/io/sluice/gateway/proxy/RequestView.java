package io.sluice.gateway.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.sluice.model.HostNames;
import io.sluice.routing.PathNormalizer;
import io.sluice.routing.RequestAttributes;

/** A Helidon request as routing sees it: normalised path, host without port, the gateway port. */
final class RequestView implements RequestAttributes {

    private final ServerRequest request;
    private final String path;
    private final String host;
    private final int port;
    private final String scheme;

    RequestView(ServerRequest request, int port, String scheme) {
        this.request = request;
        this.path = PathNormalizer.normalize(request.path().rawPath());
        this.host = HostNames.normalizeAuthority(authority(request));
        this.port = port;
        this.scheme = scheme;
    }

    static String authority(ServerRequest request) {
        return request.headers().first(HeaderNames.HOST).orElseGet(() -> request.authority());
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
}
