package io.sluice.gateway.proxy;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.sluice.routing.QueryString;
import io.sluice.upstream.Destinations;
import java.net.InetSocketAddress;

/** A Helidon request as routing sees it, with what the proxy reads of it besides: peer, cookies, query. */
public final class RequestView extends RequestHead {

    private final ServerRequest request;

    RequestView(ServerRequest request, int port, String scheme) {
        super(request.prologue(), request.path().rawPath(), request.headers(),
                request.headers().first(HeaderNames.HOST).orElseGet(request::authority), port, scheme);
        this.request = request;
    }

    /** The Helidon request, for steps that need more than routing attributes. */
    public ServerRequest request() {
        return request;
    }

    /** The client's address and the one it connected to (each call makes Helidon's peer objects anew). */
    public Destinations.Peers peers() {
        return new Destinations.Peers((InetSocketAddress) request.remotePeer().address(),
                (InetSocketAddress) request.localPeer().address());
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

    /** A query parameter's first value, or null; an escape that is not one is taken as it is. */
    public String queryParameter(String name) {
        return QueryString.parse(query()).get(name);
    }
}
