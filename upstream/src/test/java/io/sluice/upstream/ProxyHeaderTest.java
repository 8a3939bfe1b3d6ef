package io.sluice.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sluice.routing.ClusterPolicy.ProxyProtocol;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The PROXY protocol headers, byte for byte as HAProxy's specification writes them. */
class ProxyHeaderTest {

    static final InetSocketAddress CLIENT = new InetSocketAddress("192.168.0.1", 56324);
    static final InetSocketAddress GATEWAY = new InetSocketAddress("192.168.0.11", 443);

    @Test
    void versionOneIsALineWithBothAddressesAndPorts() {
        assertEquals("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n",
                text(ProxyHeader.of(ProxyProtocol.V1, CLIENT, GATEWAY)));
        assertEquals("PROXY TCP6 2001:db8:0:0:0:0:0:1 2001:db8:0:0:0:0:0:2 1000 80\r\n",
                text(ProxyHeader.of(ProxyProtocol.V1, new InetSocketAddress("2001:db8::1", 1000),
                        new InetSocketAddress("2001:db8::2", 80))));
    }

    @Test
    void versionOneLeavesOutTheScopeOfALinkLocalAddress() throws Exception {
        byte[] linkLocal = InetAddress.getByName("fe80::1").getAddress();
        InetSocketAddress scoped = new InetSocketAddress(Inet6Address.getByAddress(null, linkLocal, 2), 1000);
        assertEquals("PROXY TCP6 fe80:0:0:0:0:0:0:1 2001:db8:0:0:0:0:0:2 1000 80\r\n",
                text(ProxyHeader.of(ProxyProtocol.V1, scoped, new InetSocketAddress("2001:db8::2", 80))));
    }

    @Test
    void versionTwoIsTheSignatureThenTheAddressBlock() {
        assertEquals("0d0a0d0a000d0a515549540a" + "21" + "11" + "000c" + "c0a80001" + "c0a8000b" + "dc04" + "01bb",
                HexFormat.of().formatHex(ProxyHeader.of(ProxyProtocol.V2, CLIENT, GATEWAY).bytes()));
    }

    @Test
    void withoutAClientTheHeaderSaysSo() {
        assertEquals("PROXY UNKNOWN\r\n", text(ProxyHeader.of(ProxyProtocol.V1, null, null)));
        assertEquals("PROXY UNKNOWN\r\n", text(ProxyHeader.of(ProxyProtocol.V1, CLIENT,
                new InetSocketAddress("::1", 80))), "mixed families cannot be said");
        assertArrayEquals(HexFormat.of().parseHex("0d0a0d0a000d0a515549540a" + "20" + "00" + "0000"),
                ProxyHeader.of(ProxyProtocol.V2, null, null).bytes());
    }

    @Test
    void aClusterWithoutTheProtocolSendsNothing() {
        assertNull(ProxyHeader.of(null, CLIENT, GATEWAY));
    }

    private static String text(ProxyHeader h) {
        return new String(h.bytes(), StandardCharsets.US_ASCII);
    }
}
