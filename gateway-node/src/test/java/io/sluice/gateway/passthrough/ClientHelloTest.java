package io.sluice.gateway.passthrough;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Server names read from ClientHellos the JDK's own TLS client writes. */
class ClientHelloTest {

    /** The first flight of a real TLS client: its ClientHello record(s). */
    static byte[] clientHello(String serverName, String protocol) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, null, null);
        SSLEngine engine = ctx.createSSLEngine("ignored", 443);
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        p.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
        p.setProtocols(new String[] {protocol});
        engine.setSSLParameters(p);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] b = new byte[out.remaining()];
        out.get(b);
        return b;
    }

    @ParameterizedTest(name = "{0} over {1}")
    @CsvSource({"httpbin.org, TLSv1.3", "httpbin.org, TLSv1.2", "My.SockShop.com, TLSv1.3",
            "outbound_.443_._.db.chapter4.svc.cluster.local, TLSv1.3"})
    void readsTheServerNameAndKeepsEveryByte(String name, String protocol) throws Exception {
        byte[] hello = name.contains("_") ? withServerName(clientHello("placeholder.example", protocol),
                "placeholder.example", name) : clientHello(name, protocol);
        byte[] trailing = "application data".getBytes(StandardCharsets.US_ASCII);
        byte[] stream = concat(hello, trailing);
        var in = new ByteArrayInputStream(stream);
        ClientHello h = ClientHello.read(in);
        assertTrue(h.tls());
        assertEquals(name.toLowerCase(java.util.Locale.ROOT), h.serverName());
        assertArrayEquals(hello, h.bytes(), "the whole record is kept to be replayed upstream");
        assertArrayEquals(trailing, in.readAllBytes(), "nothing past the record is consumed");
    }

    @Test
    void helloWithoutServerNameHasNone() throws Exception {
        ClientHello h = ClientHello.read(new ByteArrayInputStream(clientHello(null, "TLSv1.3")));
        assertTrue(h.tls());
        assertNull(h.serverName());
    }

    @Test
    void plainTextIsNotTls() throws IOException {
        byte[] get = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        ClientHello h = ClientHello.read(new ByteArrayInputStream(get));
        assertFalse(h.tls());
        assertNull(h.serverName());
        assertArrayEquals(Arrays.copyOf(get, 5), h.bytes());
    }

    @Test
    void truncatedOrCorruptRecordsYieldNoNameAndNoException() throws Exception {
        byte[] hello = clientHello("httpbin.org", "TLSv1.3");
        for (int cut = 0; cut < hello.length; cut += 7) {
            ClientHello h = ClientHello.read(new ByteArrayInputStream(Arrays.copyOf(hello, cut)));
            assertNull(h.serverName(), "cut at " + cut);
        }
        byte[] corrupt = hello.clone();
        for (int i = 9; i < corrupt.length; i++) {
            corrupt[i] = (byte) 0xff;
        }
        assertNull(ClientHello.read(new ByteArrayInputStream(corrupt)).serverName());
    }

    /** Swaps the name inside a real hello for one the JDK refuses to send (underscores), fixing lengths. */
    static byte[] withServerName(byte[] hello, String from, String to) {
        String s = new String(hello, StandardCharsets.ISO_8859_1);
        int at = s.indexOf(from);
        int delta = to.length() - from.length();
        byte[] out = concat(Arrays.copyOf(hello, at), concat(to.getBytes(StandardCharsets.ISO_8859_1),
                Arrays.copyOfRange(hello, at + from.length(), hello.length)));
        // lengths: record (3..4), handshake (6..8), extensions block, server_name ext, list, name
        add16(out, 3, delta);
        add24(out, 6, delta);
        int p = 5 + 4 + 2 + 32;
        p += 1 + (out[p] & 0xff);
        p += 2 + (((out[p] & 0xff) << 8) | (out[p + 1] & 0xff));
        p += 1 + (out[p] & 0xff);
        add16(out, p, delta);
        add16(out, at - 9 + 2, delta); // server_name extension length
        add16(out, at - 5, delta);     // server name list length
        add16(out, at - 2, delta);     // host name length
        return out;
    }

    private static void add16(byte[] b, int p, int delta) {
        int v = (((b[p] & 0xff) << 8) | (b[p + 1] & 0xff)) + delta;
        b[p] = (byte) (v >> 8);
        b[p + 1] = (byte) v;
    }

    private static void add24(byte[] b, int p, int delta) {
        int v = (((b[p] & 0xff) << 16) | ((b[p + 1] & 0xff) << 8) | (b[p + 2] & 0xff)) + delta;
        b[p] = (byte) (v >> 16);
        b[p + 1] = (byte) (v >> 8);
        b[p + 2] = (byte) v;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
