package io.sluice.gateway.passthrough;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Copies bytes both ways between a client and an upstream socket, one virtual thread per direction.
 * When one side finishes sending, the other side's output is shut down so half-closed TLS streams end
 * cleanly; both sockets close when both directions are done, or when no byte has gone either way for
 * the idle timeout (Envoy's TCP proxy idle_timeout, Istio's {@code connectionPool.tcp.idleTimeout}).
 */
public final class TcpRelay {

    /** Envoy's and Istio's default idle timeout of a TCP proxy. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);

    private final Socket client;
    private final Socket upstream;
    private final long idleNanos;
    private final TcpObserver.Stream stream;
    /** When a byte last went either way: a direction waiting on a quiet peer must not end a busy relay. */
    private volatile long lastActivity = System.nanoTime();

    private TcpRelay(Socket client, Socket upstream, Duration idleTimeout, TcpObserver.Stream stream) {
        this.client = client;
        this.upstream = upstream;
        this.idleNanos = idleTimeout.toNanos();
        this.stream = stream;
    }

    /**
     * Writes {@code first} to the upstream, then relays until both directions end, counting the bytes
     * each way on {@code stream} and closing it at the end. Blocks.
     */
    public static void relay(Socket client, Socket upstream, byte[] first, Duration idleTimeout,
                             TcpObserver.Stream stream) throws InterruptedException {
        try (client; upstream) {
            try {
                upstream.getOutputStream().write(first);
                upstream.getOutputStream().flush();
                stream.received(first.length);
            } catch (IOException e) {
                return;
            }
            TcpRelay relay = new TcpRelay(client, upstream, idleTimeout, stream);
            Thread up = Thread.ofVirtual().name("sluice-relay-up").start(() -> relay.pump(client, upstream));
            relay.pump(upstream, client);
            up.join();
        } catch (IOException ignored) {
            // closing: nothing left to do
        } finally {
            stream.closed();
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buf = new byte[16384];
        try {
            // each read wakes up within the idle timeout to see whether the other direction kept it alive
            from.setSoTimeout((int) Math.clamp(idleNanos / 1_000_000, 1, Integer.MAX_VALUE));
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    if (System.nanoTime() - lastActivity >= idleNanos) {
                        throw e;
                    }
                    continue;
                }
                if (n < 0) {
                    break;
                }
                lastActivity = System.nanoTime();
                out.write(buf, 0, n);
                out.flush();
                if (from == client) {
                    stream.received(n);
                } else {
                    stream.sent(n);
                }
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // a reset on either side, or the idle timeout, ends both directions
            closeQuietly(client);
            closeQuietly(upstream);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
