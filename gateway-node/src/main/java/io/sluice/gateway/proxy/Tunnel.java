package io.sluice.gateway.proxy;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.spi.ServerConnection;
import io.sluice.routing.Cluster;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;

/**
 * An upgraded connection: bytes both ways between the client's connection and the upstream's until
 * either side closes, one virtual thread per direction. When it ends the exchange is observed (metrics,
 * access log) with its 101, its duration and the bytes each way, as Envoy logs an upgraded stream.
 */
final class Tunnel implements ServerConnection {

    /**
     * What the upgrade found out, for the exchange reported when the tunnel ends; the connection's
     * addresses are taken while it is open.
     */
    record Opened(Instant start, long startNanos, RequestHead request, String route, Cluster cluster,
                  String upstreamHost, String requestId, int status, long upstreamServiceTime,
                  String downstreamLocal, String downstreamRemote) {
    }

    private final ConnectionContext ctx;
    private final Socket upstream;
    private final InputStream fromUpstream;
    private final ExchangeObserver observer;
    private final Opened opened;
    private volatile long lastActivity = System.nanoTime();
    private long received;
    private volatile long sent;

    Tunnel(ConnectionContext ctx, Socket upstream, InputStream fromUpstream, ExchangeObserver observer,
           Opened opened) {
        this.ctx = ctx;
        this.upstream = upstream;
        this.fromUpstream = fromUpstream;
        this.observer = observer;
        this.opened = opened;
    }

    /** An upgrade the upstream refused, answered already: observed at once, and the connection closes. */
    static ServerConnection closed(ConnectionContext ctx, ExchangeObserver observer, Opened opened, long bodyBytes) {
        observer.completed(exchange(opened, 0, bodyBytes));
        return new ServerConnection() {
            @Override
            public void handle(Limit limit) {
            }

            @Override
            public Duration idleTime() {
                return Duration.ZERO;
            }

            @Override
            public void close(boolean interrupt) {
                closeQuietly(ctx);
            }
        };
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
        Thread down = Thread.ofVirtual().name("sluice-tunnel-down").start(this::upstreamToClient);
        try {
            OutputStream out = upstream.getOutputStream();
            DataReader reader = ctx.dataReader();
            while (true) {
                BufferData data = reader.readBuffer();
                int n = data.available();
                data.writeTo(out);
                out.flush();
                received += n;
                lastActivity = System.nanoTime();
            }
        } catch (DataReader.InsufficientDataAvailableException | ServerConnectionException | IOException
                 | UncheckedIOException e) {
            // the client closed, or either side reset: the tunnel ends
        } finally {
            closeUpstream();
            down.join();
            observer.completed(exchange(opened, received, sent));
            closeClient();
        }
    }

    private void upstreamToClient() {
        byte[] buf = new byte[16 * 1024];
        try {
            for (int n; (n = fromUpstream.read(buf)) >= 0; ) {
                ctx.dataWriter().writeNow(BufferData.create(buf, 0, n));
                sent += n;
                lastActivity = System.nanoTime();
            }
        } catch (IOException | RuntimeException e) {
            // the upstream closed or reset, or the client is gone
        } finally {
            // ends the other direction's read
            closeClient();
        }
    }

    private static Exchange exchange(Opened o, long received, long sent) {
        RequestHead req = o.request();
        String query = req.query() == null || req.query().isEmpty() ? "" : "?" + req.query();
        return new Exchange(o.start(), (System.nanoTime() - o.startNanos()) / 1_000_000, req.method(),
                req.prologue().uriPath().rawPath() + query, "HTTP/1.1", o.status(), "-", received, sent,
                o.upstreamServiceTime(), req.headers().first(HeaderNames.X_FORWARDED_FOR).orElse(null),
                req.headers().first(HeaderNames.USER_AGENT).orElse(null), o.requestId(), req.authority(),
                o.upstreamHost(), o.cluster(), o.downstreamLocal(), o.downstreamRemote(), o.route(), null);
    }

    @Override
    public Duration idleTime() {
        return Duration.ofNanos(System.nanoTime() - lastActivity);
    }

    @Override
    public void close(boolean interrupt) {
        closeUpstream();
        closeClient();
    }

    private void closeClient() {
        closeQuietly(ctx);
    }

    /** Closing a socket the other direction closed already throws: once is enough. */
    private static void closeQuietly(ConnectionContext ctx) {
        try {
            ctx.serverSocket().close();
        } catch (RuntimeException ignored) {
            // closed already
        }
    }

    private void closeUpstream() {
        try {
            upstream.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
