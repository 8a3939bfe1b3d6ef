package io.sluice.gateway.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.sluice.model.HostNames;
import io.sluice.routing.PathNormalizer;
import io.sluice.routing.RequestAttributes;

/** A request asking for a protocol upgrade, as routing sees it: read before Helidon builds any request. */
final class UpgradeRequest implements RequestAttributes {

    final HttpPrologue prologue;
    final Headers headers;
    /** The Host header as sent, for the upstream's head and the access log. */
    final String authority;
    private final String path;
    private final String host;
    private final int port;
    private final String scheme;

    UpgradeRequest(HttpPrologue prologue, Headers headers, int port, String scheme) {
        this.prologue = prologue;
        this.headers = headers;
        this.authority = headers.first(HeaderNames.HOST).orElse("");
        this.path = PathNormalizer.normalize(RequestView.originForm(prologue.uriPath().rawPath()));
        this.host = HostNames.normalizeAuthority(authority);
        this.port = port;
        this.scheme = scheme;
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
