package io.sluice.e2e;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A misbehaving HTTP/1.1 upstream on a raw socket, so that it can do what a well-behaved server
 * library will not: answer slowly, fail with 503, or close the connection without answering. What it
 * does with its n-th request (1-based) is a function of n; it counts every request it reads.
 */
final class FlakyBackend implements AutoCloseable {

    /** What to do with one request. */
    sealed interface Act permits Answer, Close {
    }

    record Answer(int status, String body, Duration delay) implements Act {
    }

    record Close() implements Act {
    }

    static Act ok(String body) {
        return new Answer(200, body, Duration.ZERO);
    }

    static Act status(int status) {
        return new Answer(status, "status " + status, Duration.ZERO);
    }

    static Act slow(Duration delay, String body) {
        return new Answer(200, body, delay);
    }

    static Act hangUp() {
        return new Close();
    }

    final AtomicInteger requests = new AtomicInteger();
    private final ServerSocket server;
    private final IntFunction<Act> behaviour;

    FlakyBackend(IntFunction<Act> behaviour) throws IOException {
        this.behaviour = behaviour;
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("flaky-backend-" + server.getLocalPort()).start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** A loopback port nobody listens on: connections to it are refused. */
    static int refusingPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = new BufferedInputStream(socket.getInputStream());
             OutputStream out = socket.getOutputStream()) {
            while (true) {
                long length = readHead(in);
                if (length == -1) {
                    return;
                }
                if (length == CHUNKED) {
                    readChunks(in);
                } else {
                    in.readNBytes((int) length);
                }
                Act act = behaviour.apply(requests.incrementAndGet());
                if (act instanceof Answer a) {
                    if (!a.delay().isZero()) {
                        Thread.sleep(a.delay());
                    }
                    byte[] body = a.body().getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 " + a.status() + " X\r\nContent-Type: text/plain\r\nContent-Length: "
                            + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                } else {
                    return; // closes the connection without a response
                }
            }
        } catch (IOException | InterruptedException e) {
            // the proxy gave up on this connection (a timeout); nothing to answer
        }
    }

    private static final long CHUNKED = -2;

    private static void readChunks(InputStream in) throws IOException {
        while (true) {
            StringBuilder line = new StringBuilder();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    return;
                }
                line.append((char) b);
            }
            int size = Integer.parseInt(line.toString().trim().split(";")[0], 16);
            in.readNBytes(size + 2);
            if (size == 0) {
                return;
            }
        }
    }

    /** Reads a request head; returns its Content-Length (0 if none), CHUNKED, or -1 at end of stream. */
    private static long readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b; (b = in.read()) >= 0; ) {
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                long length = 0;
                for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
                    String lower = line.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        length = Long.parseLong(line.substring(15).trim());
                    } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                        return CHUNKED;
                    }
                }
                return length;
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
