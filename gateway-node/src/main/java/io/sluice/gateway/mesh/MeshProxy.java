package io.sluice.gateway.mesh;

import io.helidon.webserver.WebServer;
import io.sluice.gateway.passthrough.Acceptor;
import io.sluice.gateway.passthrough.ClientHello;
import io.sluice.gateway.passthrough.SniForwarder;
import io.sluice.gateway.passthrough.TcpObserver;
import io.sluice.gateway.passthrough.TcpRelay;
import io.sluice.gateway.proxy.ClientLimits;
import io.sluice.gateway.proxy.Proxy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * The mesh outbound proxy a workload uses through {@code HTTP_PROXY}/{@code HTTPS_PROXY} (port 15001 by
 * default). A connection opening with {@code CONNECT host:port} becomes a tunnel: it is accepted, the
 * ClientHello inside is read and the stream is routed by its server name (which must be the tunnel's
 * host), never decrypted. Any other connection is plain HTTP with absolute URIs and is handed, bytes
 * unchanged, to an internal Helidon server running {@link MeshHttpHandler} — Helidon does not serve
 * CONNECT itself, which is why this front exists.
 * <p>
 * Limits: the choice is made on a connection's first request, so a CONNECT after plain requests on
 * the same connection is not a tunnel (clients open a new connection for it); a tunnel to a server
 * that speaks first (not TLS) waits for the client's first bytes.
 */
public final class MeshProxy implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MeshProxy.class.getName());
    /** The first head read here, before it goes on to the HTTP server below, which has the same limit. */
    private static final int MAX_HEAD = ClientLimits.MAX_REQUEST_HEAD;
    private static final int HEAD_TIMEOUT_MS = 30_000;
    private static final byte[] ESTABLISHED = "HTTP/1.1 200 Connection established\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BAD_REQUEST = "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket socket;
    private final WebServer http;
    private final SniForwarder forwarder;

    private MeshProxy(ServerSocket socket, WebServer http, SniForwarder forwarder) {
        this.socket = socket;
        this.http = http;
        this.forwarder = forwarder;
    }

    /** Listens on {@code host:port} (0 picks a free port). */
    public static MeshProxy start(String host, int port, Proxy proxy, TcpObserver tcp) throws IOException {
        WebServer http = WebServer.builder().host("127.0.0.1").port(0)
                .connectionOptions(o -> o.tcpNoDelay(true))
                .addProtocol(ClientLimits.HTTP1)
                .routing(r -> r.any(new MeshHttpHandler(proxy)))
                .build().start();
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        try {
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port), 512);
        } catch (IOException e) {
            http.stop();
            throw e;
        }
        MeshProxy mesh = new MeshProxy(s, http, new SniForwarder(proxy.table(), proxy.connector(), tcp));
        Acceptor.start(s, "sluice-mesh-proxy", mesh::handle);
        return mesh;
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void handle(Socket client) {
        try {
            client.setTcpNoDelay(true);
            client.setSoTimeout(HEAD_TIMEOUT_MS);
            InputStream in = client.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            String requestLine = readLine(in, head);
            if (requestLine == null) {
                client.close();
                return;
            }
            if (!requestLine.regionMatches(true, 0, "CONNECT ", 0, 8)) {
                Socket internal = new Socket(InetAddress.getLoopbackAddress(), http.port());
                internal.setTcpNoDelay(true);
                client.setSoTimeout(0);
                // an HTTP request for the mesh's own HTTP server, which counts it as a request, not a TCP stream
                TcpRelay.relay(client, internal, head.toByteArray(), TcpRelay.DEFAULT_IDLE_TIMEOUT,
                        TcpObserver.Stream.NONE);
                return;
            }
            while (true) { // the CONNECT request's headers end with an empty line
                String line = readLine(in, head);
                if (line == null) {
                    client.close();
                    return;
                }
                if (line.isEmpty()) {
                    break;
                }
            }
            InetSocketAddress target = authority(requestLine.split(" ")[1]);
            OutputStream out = client.getOutputStream();
            if (target == null) {
                out.write(BAD_REQUEST);
                client.close();
                return;
            }
            out.write(ESTABLISHED);
            out.flush();
            ClientHello hello = ClientHello.read(in);
            client.setSoTimeout(0);
            if (hello.serverName() != null
                    && !hello.serverName().equals(target.getHostString().toLowerCase(Locale.ROOT))) {
                // the tunnel's host is what the policy checked; a different name inside would bypass it
                LOG.fine(() -> "tunnel to " + target + " carries SNI " + hello.serverName() + ": closed");
                client.close();
                return;
            }
            forwarder.forward(client, hello, target.getPort(), target);
        } catch (IOException e) {
            closeQuietly(client);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(client);
        }
    }

    /** A CRLF-terminated line of the request head, also appended to {@code head}; null at EOF or overflow. */
    private static String readLine(InputStream in, ByteArrayOutputStream head) throws IOException {
        int start = head.size();
        int prev = -1;
        for (int b; (b = in.read()) >= 0; prev = b) {
            head.write(b);
            if (b == '\n' && prev == '\r') {
                byte[] all = head.toByteArray();
                return new String(all, start, all.length - start - 2, StandardCharsets.ISO_8859_1);
            }
            if (head.size() > MAX_HEAD) {
                return null;
            }
        }
        return null;
    }

    /** {@code host:port} or {@code [v6]:port} of a CONNECT request, unresolved; null if malformed. */
    static InetSocketAddress authority(String s) {
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || colon == s.length() - 1) {
            return null;
        }
        String host = s.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            int port = Integer.parseInt(s.substring(colon + 1));
            return port > 0 && port < 65536 && !host.isEmpty() ? InetSocketAddress.createUnresolved(host, port) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    @Override
    public void close() {
        closeQuietly0();
        http.stop();
    }

    private void closeQuietly0() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
