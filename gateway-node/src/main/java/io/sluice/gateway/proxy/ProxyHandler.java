package io.sluice.gateway.proxy;

import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sluice.model.net.ResolveOverrides;
import io.sluice.routing.Cluster;
import io.sluice.routing.Listener;
import io.sluice.routing.Route;
import io.sluice.routing.RouteAction;
import io.sluice.routing.RouteTable;
import io.sluice.routing.Upstream;
import io.sluice.routing.VirtualHost;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The request path of one gateway server port: look the request up in the current table, then answer
 * directly, redirect, or forward to one endpoint of the weighted pick, streaming both bodies.
 */
public final class ProxyHandler implements Handler {

    /** Headers that belong to one connection, never forwarded (RFC 9110 §7.6.1). */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade", "proxy-authorization", "proxy-authenticate",
            "host", "content-length");
    private static final HeaderName REQUEST_ID = HeaderNames.create("x-request-id");
    private static final HeaderName FORWARDED_FOR = HeaderNames.create("x-forwarded-for");
    private static final HeaderName FORWARDED_PROTO = HeaderNames.create("x-forwarded-proto");
    private static final HeaderName UPSTREAM_TIME = HeaderNames.create("x-envoy-upstream-service-time");

    private final Supplier<RouteTable> table;
    private final int gatewayPort;
    private final String scheme;
    private final WebClient client;
    private final ResolveOverrides resolve;

    /** @param resolve consulted before DNS for upstreams published as names (resolution NONE) */
    public ProxyHandler(Supplier<RouteTable> table, int gatewayPort, String scheme, WebClient client,
                        ResolveOverrides resolve) {
        this.table = table;
        this.gatewayPort = gatewayPort;
        this.scheme = scheme;
        this.client = client;
        this.resolve = resolve;
    }

    public static WebClient upstreamClient() {
        return WebClient.builder()
                .followRedirects(false)
                .sendExpectContinue(false)
                .keepAlive(true)
                .connectTimeout(Duration.ofSeconds(5))
                .connectionCacheSize(512)
                .build();
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        RouteTable t = table.get();
        Listener listener = t.listener(gatewayPort);
        RequestView view = new RequestView(req, gatewayPort, scheme);
        VirtualHost vh = listener == null ? null : listener.virtualHost(view.host());
        Route route = vh == null ? null : vh.route(view);
        if (route == null) {
            fail(res, ProxyFailure.NO_ROUTE);
            return;
        }
        switch (route.action()) {
            case RouteAction.DirectResponse d -> res.status(Status.create(d.status())).send(d.body());
            case RouteAction.Redirect r -> redirect(res, r, view);
            case RouteAction.Forward f -> forward(req, res, f, view);
        }
    }

    private void redirect(ServerResponse res, RouteAction.Redirect r, RequestView view) {
        String scheme = r.scheme() != null ? r.scheme() : view.scheme();
        String host = r.authority() != null ? r.authority() : view.host();
        String port = r.port() != null ? ":" + r.port() : "";
        String path = r.uri() != null ? r.uri() : view.path();
        String query = view.query() == null || view.query().isEmpty() ? "" : "?" + view.query();
        res.status(Status.create(r.status()))
                .header(HeaderNames.LOCATION, scheme + "://" + host + port + path + query)
                .send();
    }

    private void forward(ServerRequest req, ServerResponse res, RouteAction.Forward f, RequestView view) {
        RouteAction.WeightedCluster target = f.pick(ThreadLocalRandom.current().nextInt(f.totalWeight()));
        Cluster cluster = target.cluster();
        if (!cluster.hasEndpoints()) {
            fail(res, ProxyFailure.NO_HEALTHY_UPSTREAM);
            return;
        }
        Upstream upstream = cluster.pick(ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE));
        String path = rewrite(f.rewrite(), view.path());
        String query = view.query() == null || view.query().isEmpty() ? "" : "?" + view.query();
        HttpClientRequest out = client.method(Method.create(view.method()))
                .uri("http://" + resolve.resolve(upstream.address(), upstream.port()).authority() + path + query)
                .skipUriEncoding(true);
        String authority = f.rewrite() != null && f.rewrite().authority() != null
                ? f.rewrite().authority() : RequestView.authority(req);
        copyRequestHeaders(req, out, authority);
        HeaderEdits.apply(out.headers(), f.requestHeaders());
        HeaderEdits.apply(out.headers(), target.requestHeaders());
        long start = System.nanoTime();
        try (HttpClientResponse in = send(req, out)) {
            res.status(in.status());
            for (Header h : in.headers()) {
                String name = h.name().toLowerCase(java.util.Locale.ROOT);
                if (!HOP_BY_HOP.contains(name) || name.equals("content-length")) {
                    res.header(h);
                }
            }
            res.header(UPSTREAM_TIME, Long.toString((System.nanoTime() - start) / 1_000_000));
            HeaderEdits.apply(res.headers(), f.responseHeaders());
            HeaderEdits.apply(res.headers(), target.responseHeaders());
            try (InputStream body = in.inputStream(); OutputStream sink = res.outputStream()) {
                body.transferTo(sink);
            }
        } catch (UncheckedIOException | IOException e) {
            if (!res.isSent()) {
                fail(res, isConnectFailure(e) ? ProxyFailure.UPSTREAM_CONNECT_FAILURE : ProxyFailure.UPSTREAM_RESET);
            }
        }
    }

    private static HttpClientResponse send(ServerRequest req, HttpClientRequest out) {
        if (!req.content().hasEntity()) {
            return out.request();
        }
        return out.outputStream(os -> {
            try (InputStream in = req.content().inputStream()) {
                in.transferTo(os);
            }
            os.close();
        });
    }

    private void copyRequestHeaders(ServerRequest req, HttpClientRequest out, String authority) {
        for (Header h : req.headers()) {
            if (!HOP_BY_HOP.contains(h.name().toLowerCase(java.util.Locale.ROOT))) {
                out.header(h);
            }
        }
        out.header(HeaderNames.HOST, authority);
        String client = req.remotePeer().host();
        String prior = req.headers().first(FORWARDED_FOR).orElse(null);
        out.header(FORWARDED_FOR, prior == null ? client : prior + ", " + client);
        out.header(FORWARDED_PROTO, scheme);
        if (!req.headers().contains(REQUEST_ID)) {
            out.header(REQUEST_ID, UUID.randomUUID().toString());
        }
    }

    private static String rewrite(RouteAction.Rewrite r, String path) {
        if (r == null || r.uriPrefix() == null) {
            return path;
        }
        if (r.matchedPrefix() != null && path.startsWith(r.matchedPrefix())) {
            return r.uriPrefix() + path.substring(r.matchedPrefix().length());
        }
        return r.uriPrefix();
    }

    private static boolean isConnectFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    static void fail(ServerResponse res, ProxyFailure failure) {
        res.status(Status.create(failure.status()));
        if (failure.body().isEmpty()) {
            res.send();
        } else {
            res.header(HeaderNames.CONTENT_TYPE, "text/plain").send(failure.body());
        }
    }
}
