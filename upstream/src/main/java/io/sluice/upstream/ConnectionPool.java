package io.sluice.upstream;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Deque;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive connections to upstream endpoints, idle ones kept per {@link Destination}, most recently
 * used first (a warm connection is likelier to still be open). Idle connections are closed after
 * {@link #IDLE_TIMEOUT}, or the destination's shorter idle timeout, and connections older than the
 * destination's maximum lifetime are not reused. Servers close idle connections sooner (Node.js after
 * 5 s), and a blocking socket only learns of that by reading: a connection idle for longer than a second is checked with a
 * 1 ms read before it is reused. One that fails anyway before any byte of an answer arrived is
 * retried on a fresh connection, as Go's transport does, when sending the request twice is harmless:
 * an idempotent method (RFC 9110 §9.2.2) or an {@code Idempotency-Key}, and a body still in hand.
 * Destinations spoken to in HTTP/2 go through {@link Http2Exchanges}, whose connections multiplex.
 */
public final class ConnectionPool implements AutoCloseable {

    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(50);
    /**
     * Envoy's {@code stream_idle_timeout}, which Istio leaves at 5 min: a request body that has not moved
     * for this long (its client stopped sending, or the upstream stopped reading) is abandoned, rather than
     * hold the endpoint's connection, and the request's thread blocked writing to it, for ever.
     */
    static final Duration STREAM_IDLE_TIMEOUT = Duration.ofMinutes(5);
    /** Idle for longer than this, a connection is checked before it is reused. */
    private static final Duration CHECK_AFTER = Duration.ofSeconds(1);
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");
    /** Idle connections kept per destination; more are closed as they come back. */
    private static final int MAX_IDLE = 512;

    private final ConcurrentHashMap<Destination, Deque<UpstreamConnection>> idle = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-upstream-idle-sweeper");
        t.setDaemon(true);
        return t;
    });

    private final long checkAfterNanos;
    private final long streamIdleNanos;
    /** Connections sending a streamed body, watched by the sweeper. */
    private final Set<UpstreamConnection> sendingBodies = ConcurrentHashMap.newKeySet();
    /** Made for the first HTTP/2 destination: most gateways have none, and its client takes a while to set up. */
    private volatile Http2Exchanges http2;

    public ConnectionPool() {
        this(CHECK_AFTER, STREAM_IDLE_TIMEOUT);
    }

    /**
     * @param checkAfter how long a connection may be idle before it is checked on reuse
     * @param streamIdle how long a request body may stand still before it is abandoned
     */
    ConnectionPool(Duration checkAfter, Duration streamIdle) {
        this.checkAfterNanos = checkAfter.toNanos();
        this.streamIdleNanos = streamIdle.toNanos();
        sweeper.scheduleWithFixedDelay(this::closeExpired, 5, 5, TimeUnit.SECONDS);
    }

    /**
     * Sends a request to a destination on an idle connection, or a new one, and returns the response
     * once its head arrived. The body must be read to its end or the response closed.
     *
     * @param readTimeout the longest wait for the upstream, or null for none
     * @param lastOnConnection close the connection after this request
     * @throws IOException as the connect, handshake, write or read failed
     */
    public UpstreamResponse send(Destination destination, Duration connectTimeout, Duration readTimeout,
                                 String method, String target, HeaderList headers, OutgoingBody body,
                                 boolean lastOnConnection) throws IOException {
        if (destination.http2()) {
            return http2().send(destination, connectTimeout, readTimeout, method, target, headers, body);
        }
        UpstreamConnection reused = take(destination);
        if (reused != null) {
            try {
                return reused.exchange(method, target, headers, body, lastOnConnection, readTimeout, this);
            } catch (RuntimeException e) {
                reused.close(); // e.g. the client's streamed body broke off: the request is half sent
                throw e;
            } catch (IOException e) {
                reused.close();
                // the upstream closed it while idle: nothing of the request was answered, send it again
                if (reused.responseStarted() || e instanceof SocketTimeoutException
                        || !resendable(method, headers, body)) {
                    throw e;
                }
            }
        }
        UpstreamConnection fresh = UpstreamConnection.open(destination, connectTimeout);
        try {
            return fresh.exchange(method, target, headers, body, lastOnConnection, readTimeout, this);
        } catch (IOException | RuntimeException e) {
            fresh.close();
            throw e;
        }
    }

    private Http2Exchanges http2() {
        Http2Exchanges h = http2;
        if (h == null) {
            synchronized (this) {
                h = http2;
                if (h == null) {
                    h = new Http2Exchanges();
                    http2 = h;
                }
            }
        }
        return h;
    }

    private static boolean resendable(String method, HeaderList headers, OutgoingBody body) {
        return !(body instanceof OutgoingBody.Streamed)
                && (IDEMPOTENT.contains(method) || headers.first("idempotency-key") != null);
    }

    private UpstreamConnection take(Destination d) {
        Deque<UpstreamConnection> q = idle.get(d);
        if (q == null) {
            return null;
        }
        long now = System.nanoTime();
        long idleLimit = idleLimitNanos(d);
        for (UpstreamConnection c; (c = q.pollFirst()) != null; ) {
            long idleFor = now - c.idleSince;
            if (c.isOpen() && idleFor < idleLimit && c.withinLifetime(now)
                    && (idleFor < checkAfterNanos || c.stillOpen())) {
                return c;
            }
            c.close();
        }
        return null;
    }

    void release(UpstreamConnection c) {
        long now = System.nanoTime();
        if (!c.withinLifetime(now)) {
            c.close();
            return;
        }
        c.idleSince = now;
        // under the map's lock for the destination, so the sweeper cannot drop the queue as c goes in
        idle.compute(c.destination, (d, q) -> {
            Deque<UpstreamConnection> queue = q != null ? q : new LinkedBlockingDeque<>(MAX_IDLE);
            if (!queue.offerFirst(c)) {
                c.close();
            }
            return queue;
        });
    }

    /** The pool's own limit, or the destination's when that is shorter. */
    private static long idleLimitNanos(Destination d) {
        return Math.min(IDLE_TIMEOUT.toNanos(), d.idleTimeout().toNanos());
    }

    /** Idle connections of every destination, for tests and the debug view. */
    public int idleConnections() {
        return idle.values().stream().mapToInt(Deque::size).sum();
    }

    /** Destinations with a queue of idle connections, emptied or not: what the pool keeps per destination. */
    int destinationsKept() {
        return idle.size();
    }

    void watch(UpstreamConnection sending) {
        sendingBodies.add(sending);
    }

    void unwatch(UpstreamConnection sent) {
        sendingBodies.remove(sent);
    }

    /** Every few seconds, on the sweeper; tests call it directly. */
    void closeExpired() {
        long now = System.nanoTime();
        for (UpstreamConnection c : sendingBodies) {
            if (now - c.bodyMovedAt() >= streamIdleNanos) {
                c.abandon();
            }
        }
        idle.forEach((d, q) -> {
            long idleLimit = idleLimitNanos(d);
            for (Iterator<UpstreamConnection> c = q.descendingIterator(); c.hasNext(); ) {
                UpstreamConnection conn = c.next();
                if ((now - conn.idleSince >= idleLimit || !conn.withinLifetime(now)) && q.removeLastOccurrence(conn)) {
                    conn.close();
                }
            }
            // an emptied queue goes: with proxyProtocol a destination is one client connection, so they
            // would pile up one per client ever served (release adds under the same lock)
            idle.computeIfPresent(d, (key, queue) -> queue.isEmpty() ? null : queue);
        });
        Http2Exchanges h = http2;
        if (h != null) {
            h.closeIdle(now);
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        idle.values().forEach(q -> q.forEach(UpstreamConnection::close));
        synchronized (this) {
            if (http2 != null) {
                http2.close();
            }
        }
        idle.clear();
    }
}
