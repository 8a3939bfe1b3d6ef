package io.sluice.upstream;

import io.sluice.routing.ClusterPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * HAProxy's PROXY protocol header, which a connection to an endpoint starts with when its DestinationRule
 * says {@code proxyProtocol}: the client's address and the one it connected to, so that the endpoint
 * sees who is really calling. Version 1 is a text line, version 2 a binary block. Where there is no client
 * (a mirror replay) or the two addresses are of different families, the header says so (v1
 * {@code UNKNOWN}, v2 {@code LOCAL}) and the endpoint uses the connection's own addresses.
 *
 * @param source      the client, or null
 * @param destination the address the client connected to, or null
 */
public record ProxyHeader(ClusterPolicy.ProxyProtocol version, InetSocketAddress source,
                          InetSocketAddress destination) {

    /** Version 2's fixed signature. */
    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    /** The header for a connection made on behalf of this client, or null when the cluster sends none. */
    public static ProxyHeader of(ClusterPolicy.ProxyProtocol version, InetSocketAddress source,
                                 InetSocketAddress destination) {
        return version == null ? null : new ProxyHeader(version, source, destination);
    }

    public byte[] bytes() {
        InetAddress from = source == null ? null : source.getAddress();
        InetAddress to = destination == null ? null : destination.getAddress();
        boolean known = from != null && to != null && (from instanceof Inet4Address) == (to instanceof Inet4Address);
        return version == ClusterPolicy.ProxyProtocol.V1 ? v1(known) : v2(known);
    }

    private byte[] v1(boolean known) {
        String line = !known ? "PROXY UNKNOWN\r\n"
                : "PROXY " + (source.getAddress() instanceof Inet4Address ? "TCP4 " : "TCP6 ")
                        + literal(source.getAddress()) + " " + literal(destination.getAddress()) + " "
                        + source.getPort() + " " + destination.getPort() + "\r\n";
        return line.getBytes(StandardCharsets.US_ASCII);
    }

    /** The address without an IPv6 scope ({@code fe80::1%eth0}): no reader of the header parses one. */
    private static String literal(InetAddress address) {
        String text = address.getHostAddress();
        int scope = text.indexOf('%');
        return scope < 0 ? text : text.substring(0, scope);
    }

    private byte[] v2(boolean known) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(52);
        out.writeBytes(SIGNATURE);
        if (!known) {
            out.write(0x20); // version 2, LOCAL
            out.write(0x00); // family unspecified
            out.write(0);
            out.write(0);
            return out.toByteArray();
        }
        byte[] from = source.getAddress().getAddress();
        byte[] to = destination.getAddress().getAddress();
        out.write(0x21); // version 2, PROXY
        out.write(from.length == 4 ? 0x11 : 0x21); // TCP over IPv4 or IPv6
        int length = from.length * 2 + 4;
        out.write(length >>> 8);
        out.write(length);
        out.writeBytes(from);
        out.writeBytes(to);
        out.write(source.getPort() >>> 8);
        out.write(source.getPort());
        out.write(destination.getPort() >>> 8);
        out.write(destination.getPort());
        return out.toByteArray();
    }

    /** Sends the header; the first bytes on a fresh connection, before any TLS. */
    void writeTo(OutputStream out) throws IOException {
        out.write(bytes());
        out.flush();
    }
}
