package io.sluice.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.routing.ClusterPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The upstream HTTP/1.1 client against a real socket whose answers are scripted byte for byte: framing
 * (length, chunked, close-delimited, bodiless), interim answers, keep-alive reuse, and stale connections.
 */
class ConnectionPoolTest {

    private static final Duration CONNECT = Duration.ofSeconds(2);

    private ConnectionPool pool = new ConnectionPool();
    private ScriptedUpstream upstream;

    @AfterEach
    void close() throws IOException {
        pool.close();
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void readsABodyOfDeclaredLengthAndReusesTheConnection() throws Exception {
        upstream = new ScriptedUpstream(c -> c.answer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: 1\r\n\r\nhello"));
        for (int i = 0; i < 3; i++) {
            try (UpstreamResponse r = get("/x")) {
                assertEquals(200, r.status());
                assertEquals("1", r.headers().first("x-a"));
                assertEquals("hello", text(r));
            }
        }
        assertEquals(1, upstream.connections.get(), "one connection carried all three");
        assertTrue(upstream.requests.get(0).startsWith("GET /x HTTP/1.1\r\nhost: backend\r\n"));
    }

    @Test
    void readsAHeadWhoseLinesCrossTheReadBuffer() throws Exception {
        String big = "b".repeat(10_000); // longer than the connection's 8 KB buffer
        upstream = new ScriptedUpstream(c -> c.answer("HTTP/1.1 200 OK\r\nX-Big: " + big
                + "\r\nContent-Length: 2\nX-After: a\r\n\r\nok"));
        for (int i = 0; i < 2; i++) {
            try (UpstreamResponse r = get("/")) {
                assertEquals(big, r.headers().first("x-big"));
                assertEquals("a", r.headers().first("x-after"), "a bare LF ends a line too");
                assertEquals("ok", text(r));
            }
        }
        assertEquals(1, upstream.connections.get());
    }

    @Test
    void readsAChunkedBodyWithExtensionsAndTrailers() throws Exception {
        upstream = new ScriptedUpstream(c -> c.answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"));
        try (UpstreamResponse r = get("/")) {
            assertEquals(-1, r.contentLength());
            assertEquals("hello world", text(r));
        }
        try (UpstreamResponse r = get("/")) {
            assertEquals("hello world", text(r));
        }
        assertEquals(1, upstream.connections.get(), "the trailer was consumed: the connection stayed usable");
    }

    @Test
    void readsABodyThatEndsWithTheConnectionAndDoesNotReuseIt() throws Exception {
        upstream = new ScriptedUpstream(c -> {
            c.answer("HTTP/1.1 200 OK\r\n\r\nuntil close");
            c.socket.close();
        });
        try (UpstreamResponse r = get("/")) {
            assertEquals("until close", text(r));
        }
        try (UpstreamResponse r = get("/")) {
            assertEquals("until close", text(r));
        }
        assertEquals(2, upstream.connections.get());
    }

    @Test
    void skipsInterimAnswersAndReadsNoBodyForHeadOr204() throws Exception {
        upstream = new ScriptedUpstream(c -> {
            String request = c.lastRequest();
            if (request.startsWith("HEAD")) {
                c.answer("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n");
            } else if (request.startsWith("DELETE")) {
                c.answer("HTTP/1.1 204 No Content\r\n\r\n");
            } else {
                c.answer("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok");
            }
        });
        try (UpstreamResponse r = send("POST", new OutgoingBody.Bytes("{}".getBytes(StandardCharsets.UTF_8)))) {
            assertEquals(201, r.status());
            assertEquals("ok", text(r));
        }
        try (UpstreamResponse r = send("HEAD", OutgoingBody.NONE)) {
            assertEquals(200, r.status());
            assertEquals("", text(r));
        }
        try (UpstreamResponse r = send("DELETE", OutgoingBody.NONE)) {
            assertEquals(204, r.status());
            assertEquals("", text(r));
        }
        assertEquals(1, upstream.connections.get());
        assertTrue(upstream.requests.get(0).contains("content-length: 2\r\n\r\n{}"), upstream.requests.get(0));
    }

    @Test
    void sendsAStreamedBodyOfUnknownLengthChunked() throws Exception {
        upstream = new ScriptedUpstream(c -> c.answer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
        OutgoingBody body = new OutgoingBody.Streamed(-1, out -> {
            out.write("abc".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[0]);
            out.write("de".getBytes(StandardCharsets.US_ASCII));
        });
        try (UpstreamResponse r = send("PUT", body)) {
            assertEquals(200, r.status());
        }
        assertTrue(upstream.requests.get(0).endsWith("transfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"),
                upstream.requests.get(0));
    }

    @Test
    void retriesOnceOnAFreshConnectionWhenAnIdleOneWasClosedByTheUpstream() throws Exception {
        upstream = closingAfterEachAnswer();
        try (UpstreamResponse r = get("/")) {
            assertEquals("ok", text(r));
        }
        upstream.awaitClosed();
        try (UpstreamResponse r = get("/")) {
            assertEquals("ok", text(r), "the stale connection was replaced, not reported");
        }
        assertEquals(2, upstream.connections.get());
    }

    @Test
    void neverSendsAPostTwiceOnAConnectionThatFailedAfterTheWrite() throws Exception {
        upstream = closingAfterEachAnswer();
        try (UpstreamResponse r = send("POST", new OutgoingBody.Bytes(new byte[] {1}))) {
            assertEquals("ok", text(r));
        }
        upstream.awaitClosed();
        assertThrows(IOException.class, () -> send("POST", new OutgoingBody.Bytes(new byte[] {2})),
                "the upstream may have seen it: a proxy does not repeat a non-idempotent request by itself");

        try (UpstreamResponse r = send("POST", new OutgoingBody.Bytes(new byte[] {3}))) {
            assertEquals("ok", text(r));
        }
        upstream.awaitClosed();
        try (UpstreamResponse r = pool.send(destination(), CONNECT, null, "POST", "/",
                new HeaderList().add("host", "backend").add("Idempotency-Key", "k1"),
                new OutgoingBody.Bytes(new byte[] {4}), false)) {
            assertEquals("ok", text(r), "with an Idempotency-Key it may be sent again");
        }
        assertEquals(3, upstream.connections.get());
    }

    @Test
    void checksAConnectionIdleForAWhileBeforeReusingIt() throws Exception {
        pool.close();
        pool = new ConnectionPool(Duration.ZERO, ConnectionPool.STREAM_IDLE_TIMEOUT);
        upstream = closingAfterEachAnswer();
        try (UpstreamResponse r = send("POST", new OutgoingBody.Bytes(new byte[] {1}))) {
            assertEquals("ok", text(r));
        }
        upstream.awaitClosed();
        try (UpstreamResponse r = send("POST", new OutgoingBody.Bytes(new byte[] {2}))) {
            assertEquals("ok", text(r), "the closed connection was found before the request went out");
        }
        assertEquals(2, upstream.requests.size());
    }

    @Test
    void aDestinationsIdleTimeoutAndMaximumLifetimeKeepItsConnectionsFromReuse() throws Exception {
        upstream = new ScriptedUpstream(c -> c.answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        Duration instant = Duration.ofNanos(1);
        for (Destination d : List.of(
                new Destination("127.0.0.1", upstream.port(), null, instant, null, null, false, null),
                new Destination("127.0.0.1", upstream.port(), null, Duration.ofHours(1), instant, null, false, null))) {
            for (int i = 0; i < 2; i++) {
                try (UpstreamResponse r = pool.send(d, CONNECT, null, "GET", "/", new HeaderList().add("host", "b"),
                        OutgoingBody.NONE, false)) {
                    assertEquals("ok", text(r));
                }
            }
        }
        assertEquals(4, upstream.connections.get(), "no connection was reused");
        assertEquals(1, pool.idleConnections(), "one past its lifetime is closed as it comes back; only the idle"
                + " destination's last connection waits, to be closed when taken or swept");
    }

    @Test
    void closesTheConnectionWhenTheUpstreamSaysSoOrTheBodyIsLeftUnread() throws Exception {
        upstream = new ScriptedUpstream(c -> c.answer(c.lastRequest().contains("/close")
                ? "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"
                : "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody"));
        try (UpstreamResponse r = get("/close")) {
            assertEquals("ok", text(r));
        }
        try (UpstreamResponse r = get("/unread")) {
            assertEquals(200, r.status());
        }
        try (UpstreamResponse r = get("/")) {
            assertEquals("body", text(r));
        }
        assertEquals(3, upstream.connections.get());
        assertEquals(1, pool.idleConnections());
    }

    @Test
    void refusesAMalformedStatusLineAndTimesOutASilentUpstream() throws Exception {
        upstream = new ScriptedUpstream(c -> {
            if (c.lastRequest().contains("/garbage")) {
                c.answer("SSH-2.0-OpenSSH\r\n\r\n");
            }
            // otherwise say nothing
        });
        assertThrows(IOException.class, () -> get("/garbage"));
        assertThrows(SocketTimeoutException.class, () -> pool.send(destination(), CONNECT, Duration.ofMillis(200),
                "GET", "/silent", new HeaderList().add("host", "backend"), OutgoingBody.NONE, false));
    }

    @Test
    void aProxyProtocolHeaderStartsEachConnectionWhichServesOnlyItsClient() throws Exception {
        upstream = new ScriptedUpstream(c -> c.answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        InetSocketAddress gateway = new InetSocketAddress("127.0.0.1", 8080);
        for (String client : List.of("10.0.0.1", "10.0.0.1", "10.0.0.2")) {
            Destination d = new Destination("127.0.0.1", upstream.port(), null, ConnectionPool.IDLE_TIMEOUT, null, null,
                    false, ProxyHeader.of(ClusterPolicy.ProxyProtocol.V1, new InetSocketAddress(client, 40000), gateway));
            try (UpstreamResponse r = pool.send(d, CONNECT, null, "GET", "/", new HeaderList().add("host", "backend"),
                    OutgoingBody.NONE, false)) {
                assertEquals("ok", text(r));
            }
        }
        assertEquals(2, upstream.connections.get(), "a connection per client");
        assertTrue(upstream.requests.get(0).startsWith("PROXY TCP4 10.0.0.1 127.0.0.1 40000 8080\r\nGET / HTTP/1.1\r\n"),
                upstream.requests.get(0));
        assertTrue(upstream.requests.get(1).startsWith("GET / HTTP/1.1"), "a reused connection says it once");
        assertTrue(upstream.requests.get(2).startsWith("PROXY TCP4 10.0.0.2 "), upstream.requests.get(2));
    }

    @Test
    void refusesConflictingOrMalformedContentLengthsAndTakesARepeatedOne() throws Exception {
        upstream = new ScriptedUpstream(c -> {
            String request = c.lastRequest();
            if (request.contains("/conflicting")) {
                c.answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\nok");
            } else if (request.contains("/signed")) {
                c.answer("HTTP/1.1 200 OK\r\nContent-Length: +2\r\n\r\nok");
            } else {
                c.answer("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok");
            }
        });
        assertThrows(IOException.class, () -> get("/conflicting"));
        assertThrows(IOException.class, () -> get("/signed"));
        try (UpstreamResponse r = get("/repeated")) {
            assertEquals("ok", text(r));
        }
    }

    @Test
    void bytesAfterA204AreNotTakenForTheNextRequestsAnswer() throws Exception {
        upstream = new ScriptedUpstream(c -> c.answer(c.lastRequest().startsWith("DELETE")
                ? "HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nforged"
                : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        try (UpstreamResponse r = send("DELETE", OutgoingBody.NONE)) {
            assertEquals(204, r.status());
        }
        try (UpstreamResponse r = get("/")) {
            assertEquals("ok", text(r));
        }
        assertEquals(2, upstream.connections.get(), "the connection with bytes past its answer was closed");
    }

    @Test
    void aReusedConnectionIsClosedWhenTheClientsBodyBreaksOffMidRequest() throws Exception {
        upstream = new ScriptedUpstream(c -> c.answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        try (UpstreamResponse r = get("/")) {
            assertEquals("ok", text(r));
        }
        OutgoingBody broken = new OutgoingBody.Streamed(-1, out -> {
            out.write("abc".getBytes(StandardCharsets.US_ASCII));
            throw new IllegalStateException("the client went away"); // as Helidon's entity stream does
        });
        assertThrows(IllegalStateException.class, () -> send("POST", broken));
        assertEquals(0, pool.idleConnections());
        upstream.awaitEnded();
    }

    /** With proxyProtocol each client connection is a destination of its own: none may stay once idle. */
    @Test
    void theSweeperDropsTheQueuesOfDestinationsWithNoIdleConnectionLeft() throws Exception {
        upstream = new ScriptedUpstream(c -> c.answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
        InetSocketAddress gateway = new InetSocketAddress("127.0.0.1", 8080);
        for (int port = 40000; port < 40003; port++) {
            Destination d = new Destination("127.0.0.1", upstream.port(), null, Duration.ofNanos(1), null, null,
                    false, ProxyHeader.of(ClusterPolicy.ProxyProtocol.V1, new InetSocketAddress("10.0.0.1", port),
                    gateway));
            try (UpstreamResponse r = pool.send(d, CONNECT, null, "GET", "/", new HeaderList().add("host", "b"),
                    OutgoingBody.NONE, false)) {
                assertEquals("ok", text(r));
            }
        }
        assertEquals(3, pool.destinationsKept());
        pool.closeExpired();
        assertEquals(0, pool.idleConnections());
        assertEquals(0, pool.destinationsKept());
        upstream.awaitEnded();
    }

    /** As Envoy's stream idle timeout: an upstream that stops reading does not hold the request for ever. */
    @Test
    void aRequestBodyTheUpstreamStopsTakingIsAbandonedAfterTheStreamIdleTimeout() throws Exception {
        pool.close();
        pool = new ConnectionPool(Duration.ofSeconds(1), Duration.ofMillis(300));
        try (ServerSocket deaf = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new CopyOnWriteArrayList<>(); // held open, never read
            Thread.ofVirtual().start(() -> {
                try {
                    accepted.add(deaf.accept());
                } catch (IOException ignored) {
                    // the test ended
                }
            });
            byte[] chunk = new byte[64 * 1024];
            OutgoingBody endless = new OutgoingBody.Streamed(-1, out -> {
                while (true) {
                    out.write(chunk);
                }
            });
            CompletableFuture<Throwable> outcome = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    pool.send(new Destination("127.0.0.1", deaf.getLocalPort(), null), CONNECT, null, "POST", "/",
                            new HeaderList().add("host", "backend"), endless, false).close();
                    outcome.complete(null);
                } catch (Throwable t) {
                    outcome.complete(t);
                }
            });
            Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
                pool.closeExpired(); // the sweeper's round, every 5 s in a gateway
                return outcome.isDone();
            });
            Throwable failure = outcome.get();
            assertTrue(failure instanceof IOException && failure.getMessage().contains("stream idle timeout"),
                    String.valueOf(failure));
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    private UpstreamResponse get(String path) throws IOException {
        return pool.send(destination(), CONNECT, null, "GET", path, new HeaderList().add("host", "backend"),
                OutgoingBody.NONE, false);
    }

    private UpstreamResponse send(String method, OutgoingBody body) throws IOException {
        return pool.send(destination(), CONNECT, null, method, "/", new HeaderList().add("host", "backend"), body,
                false);
    }

    private Destination destination() {
        return new Destination("127.0.0.1", upstream.port(), null);
    }

    /** Answers each request and closes the connection, as a server whose keep-alive ran out does without saying so. */
    private static ScriptedUpstream closingAfterEachAnswer() throws IOException {
        return new ScriptedUpstream(c -> {
            c.answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            c.socket.close();
        });
    }

    private static String text(UpstreamResponse r) throws IOException {
        try (InputStream in = r.body()) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** A server that reads each request head (and declared body) and lets the test answer it. */
    private static final class ScriptedUpstream implements AutoCloseable {

        interface Script {
            void on(Conn c) throws IOException;
        }

        final AtomicInteger connections = new AtomicInteger();
        /** Connections the client closed (or the script did). */
        final AtomicInteger ended = new AtomicInteger();
        final List<String> requests = new CopyOnWriteArrayList<>();
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> open = new ArrayList<>();
        private final Thread acceptor;

        ScriptedUpstream(Script script) throws IOException {
            acceptor = Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        connections.incrementAndGet();
                        synchronized (open) {
                            open.add(s);
                        }
                        Thread.ofVirtual().start(() -> serve(new Conn(s), script));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void serve(Conn c, Script script) {
            try {
                while (!c.socket.isClosed() && c.readRequest()) {
                    requests.add(c.lastRequest());
                    script.on(c);
                }
            } catch (IOException ignored) {
                // the client went away
            } finally {
                ended.incrementAndGet();
            }
        }

        /** Waits until every connection so far has ended. */
        void awaitEnded() {
            org.awaitility.Awaitility.await().until(() -> ended.get() == connections.get());
        }

        int port() {
            return server.getLocalPort();
        }

        void awaitClosed() {
            org.awaitility.Awaitility.await().until(() -> {
                synchronized (open) {
                    return open.stream().allMatch(Socket::isClosed);
                }
            });
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (open) {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }

    private static final class Conn {

        final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private String request;

        Conn(Socket socket) {
            this.socket = socket;
            try {
                this.in = socket.getInputStream();
                this.out = socket.getOutputStream();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        boolean readRequest() throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return false;
                }
                head.write(b);
            }
            String h = head.toString(StandardCharsets.ISO_8859_1);
            StringBuilder all = new StringBuilder(h);
            String lower = h.toLowerCase(java.util.Locale.ROOT);
            int cl = lower.indexOf("content-length: ");
            if (cl >= 0) {
                int n = Integer.parseInt(lower.substring(cl + 16, lower.indexOf('\r', cl)).strip());
                all.append(new String(in.readNBytes(n), StandardCharsets.ISO_8859_1));
            } else if (lower.contains("transfer-encoding: chunked")) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                while (!body.toString(StandardCharsets.ISO_8859_1).endsWith("0\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        return false; // the client closed inside the body
                    }
                    body.write(b);
                }
                all.append(body.toString(StandardCharsets.ISO_8859_1));
            }
            request = all.toString();
            return true;
        }

        String lastRequest() {
            return request;
        }

        void answer(String response) throws IOException {
            out.write(response.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
    }
}
