package io.sluice.gateway.proxy;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.socket.PeerInfo;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import io.sluice.gateway.resilience.LoadBalancer;
import io.sluice.upstream.HeaderList;
import io.sluice.upstream.ProxyHeader;
import io.sluice.upstream.UpstreamSockets;
import io.sluice.routing.Cluster;
import io.sluice.routing.Listener;
import io.sluice.routing.Route;
import io.sluice.routing.RouteAction;
import io.sluice.routing.Upstream;
import io.sluice.routing.VirtualHost;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * WebSocket through the gateway, as Istio has Envoy allow on every HTTP route: a request asking to
 * upgrade to {@code websocket} is routed like any other (host, match rules, weighted pick, endpoint,
 * header rules, authority and path rewrite), sent to the endpoint with its upgrade headers, and once
 * the endpoint answers 101 the two connections become a {@link Tunnel} until either side closes. An
 * endpoint that refuses answers the client itself. What a tunnel cannot take (no route, a redirect or
 * direct response, TLS origination, no endpoint reachable) is left to the ordinary request path, which
 * answers it as it answers any request.
 */
final class WebSocketUpgrade implements Http1Upgrader {

    /** Helidon looks upgraders up by the Upgrade header's value as sent; clients spell it both ways. */
    static final List<String> PROTOCOLS = List.of("websocket", "WebSocket");
    /** As Envoy's default max_response_headers_kb. */
    private static final int MAX_HEAD_BYTES = 60 * 1024;

    private final Proxy proxy;
    private final int gatewayPort;
    private final String scheme;

    WebSocketUpgrade(Proxy proxy, int gatewayPort, String scheme) {
        this.proxy = proxy;
        this.gatewayPort = gatewayPort;
        this.scheme = scheme;
    }

    @Override
    public String supportedProtocol() {
        return PROTOCOLS.getFirst();
    }

    @Override
    public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
        Instant start = Instant.now();
        long startNanos = System.nanoTime();
        RequestHead req = RequestHead.of(prologue, headers, gatewayPort, scheme);
        // not upgraded: the request goes on as plain HTTP, where a bad target gets its 400
        Route route = req.targetAcceptable() ? route(ctx, req) : null;
        if (route == null || !(route.action() instanceof RouteAction.Forward f)) {
            return null;
        }
        RandomGenerator random = ThreadLocalRandom.current();
        RouteAction.WeightedCluster target = f.pick(random.nextInt(f.totalWeight()));
        Cluster cluster = target.cluster();
        Upstream endpoint = cluster.tls() != null ? null : LoadBalancer.choose(cluster,
                proxy.upstreams().cluster(cluster.name()), null, List.of(), random, startNanos);
        if (endpoint == null) {
            return null;
        }
        String requestId = headers.first(Forwarder.REQUEST_ID).orElseGet(() -> Forwarder.randomUuid(random));
        Socket upstream = null;
        try {
            upstream = UpstreamSockets.connect(proxy.connector().address(endpoint), cluster.policy().pool(),
                    ProxyHeader.of(cluster.policy().proxyProtocol(), (InetSocketAddress) ctx.remotePeer().address(),
                            (InetSocketAddress) ctx.localPeer().address()));
            upstream.getOutputStream().write(head(req, ctx, f, target, requestId));
            InputStream in = new BufferedInputStream(upstream.getInputStream());
            byte[] answer = readHead(in);
            int status = status(answer);
            // a refusal's body, if it has one of declared length, read before anything reaches the client
            byte[] body = status == 101 ? new byte[0]
                    : in.readNBytes((int) Math.clamp(contentLength(answer), 0, MAX_HEAD_BYTES));
            PeerInfo local = ctx.localPeer();
            PeerInfo remote = ctx.remotePeer();
            Tunnel.Opened opened = new Tunnel.Opened(start, startNanos, req, route.origin(), cluster,
                    endpoint.authority(), requestId, status, (System.nanoTime() - startNanos) / 1_000_000,
                    local.host() + ":" + local.port(), remote.host() + ":" + remote.port());
            ctx.dataWriter().writeNow(BufferData.create(answer), BufferData.create(body));
            if (status != 101) {
                upstream.close(); // and the client's connection closes with the returned one
                return Tunnel.closed(ctx, proxy.observer(), opened, body.length);
            }
            return new Tunnel(ctx, upstream, in, proxy.observer(), opened);
        } catch (IOException | RuntimeException e) {
            // nothing reached the client: the ordinary path answers it (503 UF, or the upstream's refusal)
            if (upstream != null) {
                try {
                    upstream.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            return null;
        }
    }

    /** The route as the ordinary path finds it, TLS servers' own hosts only. */
    private Route route(ConnectionContext ctx, RequestHead req) {
        Listener listener = proxy.table().get().listener(gatewayPort);
        VirtualHost vh = listener == null ? null : listener.virtualHost(req.host());
        if (vh == null || (listener.tls() != null
                && !proxy.tls().admits(ctx.remotePeer(), ctx.localPeer(), listener.tls(), req.host()))) {
            return null;
        }
        return vh.route(req);
    }

    /** The request head as it goes upstream: the client's headers with the upgrade kept, forwarding headers added. */
    private byte[] head(RequestHead req, ConnectionContext ctx, RouteAction.Forward f,
                        RouteAction.WeightedCluster target, String requestId) {
        String authority = f.rewrite() != null && f.rewrite().authority() != null ? f.rewrite().authority()
                : req.authority();
        HeaderList out = new HeaderList().add("host", authority);
        String priorForwardedFor = null;
        for (Header h : req.headers()) {
            String name = h.headerName().lowerCase();
            if (name.equals("x-forwarded-for")) {
                priorForwardedFor = h.get();
            } else if (!UpstreamTry.hopByHop(name) && !name.equals("x-forwarded-proto")
                    && !name.equals("x-request-id")) {
                h.allValues().forEach(v -> out.add(h.name(), v));
            }
        }
        String client = ctx.remotePeer().host();
        out.add("connection", "Upgrade")
                .add("upgrade", req.headers().first(HeaderNames.UPGRADE).orElse("websocket"))
                .add("x-forwarded-for", priorForwardedFor == null ? client : priorForwardedFor + ", " + client)
                .add("x-forwarded-proto", scheme)
                .add("x-request-id", requestId);
        HeaderEdits.apply(out, f.requestHeaders());
        HeaderEdits.apply(out, target.requestHeaders());
        String query = req.query() == null || req.query().isEmpty() ? "" : "?" + req.query();
        StringBuilder sb = new StringBuilder(512).append(req.method()).append(' ')
                .append(UpstreamTry.rewrite(f.rewrite(), req.path())).append(query).append(" HTTP/1.1\r\n");
        for (int i = 0; i < out.size(); i++) {
            sb.append(out.name(i)).append(": ").append(out.value(i)).append("\r\n");
        }
        return sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The upstream's response head, through its blank line; what follows stays in the stream. */
    static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(256);
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the upstream closed the connection before its response head ended");
            }
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
            if (head.size() > MAX_HEAD_BYTES) {
                throw new IOException("response head over " + MAX_HEAD_BYTES + " bytes");
            }
        }
        return head.toByteArray();
    }

    static int status(byte[] head) throws IOException {
        String line = new String(head, 0, Math.min(head.length, 64), StandardCharsets.ISO_8859_1);
        if (!line.startsWith("HTTP/1.") || line.length() < 12) {
            throw new IOException("not an HTTP/1.x status line");
        }
        try {
            return Integer.parseInt(line.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("malformed status line", e);
        }
    }

    /** The Content-Length of a response head, or 0 when it declares none. */
    static long contentLength(byte[] head) {
        for (String line : new String(head, StandardCharsets.ISO_8859_1).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                try {
                    return Long.parseLong(line.substring(colon + 1).trim());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }
}
