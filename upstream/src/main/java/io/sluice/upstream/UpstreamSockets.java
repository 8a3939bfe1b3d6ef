package io.sluice.upstream;

import io.sluice.routing.ClusterPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;

/**
 * Plain sockets to an endpoint as its cluster's DestinationRule asks: connect timeout, TCP keepalive, a
 * PROXY protocol header first, a tunnel through the endpoint when it is an HTTP proxy.
 */
public final class UpstreamSockets {

    /** The longest answer head a tunnelling proxy may give. */
    private static final int TUNNEL_HEAD = 8192;

    private UpstreamSockets() {
    }

    /** {@link #connect(InetSocketAddress, Duration, ClusterPolicy.Keepalive, ProxyHeader)} with the pool's settings. */
    public static Socket connect(InetSocketAddress address, ClusterPolicy.ConnectionPool pool, ProxyHeader header)
            throws IOException {
        return connect(address, pool.connectTimeout(), pool.keepalive(), header);
    }

    /**
     * Connects within {@code timeout}, with TCP keepalive as asked and Nagle off (a request's head and body,
     * or a relay's pieces, are separate small writes, and Nagle would hold the second for a delayed ACK),
     * and sends the PROXY protocol header first when there is one; an unresolved address is looked up now.
     */
    static Socket connect(InetSocketAddress address, Duration timeout, ClusterPolicy.Keepalive keepalive,
                          ProxyHeader header) throws IOException {
        InetSocketAddress a = address.isUnresolved()
                ? new InetSocketAddress(address.getHostString(), address.getPort()) : address;
        Socket s = new Socket();
        try {
            keepalive(s, keepalive);
            s.setTcpNoDelay(true);
            s.connect(a, (int) Math.clamp(timeout.toMillis(), 1, Integer.MAX_VALUE));
            if (header != null) {
                header.writeTo(s.getOutputStream());
            }
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /**
     * Asks an endpoint that is an HTTP proxy for a tunnel to the rule's target ({@code CONNECT}) and
     * returns once it agreed (2xx); the connection then carries the stream. The answer's head is read
     * byte by byte, so nothing of the stream after it is taken; a refusal, a head over 8 KiB or no
     * answer within the connect timeout fails the connection.
     */
    public static void tunnel(Socket s, ClusterPolicy.Tunnel t, ClusterPolicy.ConnectionPool pool) throws IOException {
        String host = t.targetHost().indexOf(':') >= 0 ? "[" + t.targetHost() + "]" : t.targetHost();
        String authority = host + ":" + t.targetPort();
        OutputStream out = s.getOutputStream();
        out.write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        int before = s.getSoTimeout();
        s.setSoTimeout((int) Math.clamp(pool.connectTimeout().toMillis(), 1, Integer.MAX_VALUE));
        InputStream in = s.getInputStream();
        int[] budget = {TUNNEL_HEAD};
        String status = line(in, budget);
        while (!line(in, budget).isEmpty()) {
            // the answer's fields: nothing in them matters here
        }
        s.setSoTimeout(before);
        if (!status.matches("HTTP/1\\.[01] 2\\d\\d.*")) {
            throw new IOException("the tunnel to " + authority + " was refused: " + status);
        }
    }

    private static String line(InputStream in, int[] budget) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0 || --budget[0] < 0) {
                throw new IOException(b < 0 ? "the tunnel closed before answering" : "the tunnel's answer is too long");
            }
            if (b != '\r') {
                sb.append((char) b);
            }
        }
        return sb.toString();
    }

    /**
     * Makes the kernel probe a connection the far end may have lost without a word (a NAT or firewall
     * that forgot it); unset fields keep the OS's values. Null leaves the socket as it is.
     */
    public static void keepalive(Socket socket, ClusterPolicy.Keepalive k) throws IOException {
        if (k == null) {
            return;
        }
        socket.setKeepAlive(true);
        if (k.time() != null) {
            socket.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, (int) k.time().toSeconds());
        }
        if (k.interval() != null) {
            socket.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, (int) k.interval().toSeconds());
        }
        if (k.probes() != null) {
            socket.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, k.probes());
        }
    }
}
