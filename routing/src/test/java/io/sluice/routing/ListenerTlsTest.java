package io.sluice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenerTlsTest {

    static ServerTls server(String name, String... hosts) {
        return new ServerTls(name, Arrays.asList(hosts), ServerTls.Mode.SIMPLE, name + "-credential",
                null, null, null, null);
    }

    @Test
    void choosesTheServerBySniMostSpecificFirst() {
        // file 9 of the book: wildcard, mockshop and sockshop on one port
        ListenerTls tls = ListenerTls.of(List.of(server("sni", "*.sockshop.com"), server("mock", "mockshop.com"),
                server("sock", "sockshop.com")));
        String[][] table = {
                {"sockshop.com", "sock"}, {"SockShop.com", "sock"}, {"my.sockshop.com", "sni"},
                {"a.b.sockshop.com", "sni"}, {"mockshop.com", "mock"}, {"foo.example.com", null}, {null, null},
                {"", null}};
        for (String[] row : table) {
            ServerTls s = tls.forServerName(row[0]);
            assertEquals(row[1], s == null ? null : s.serverName(), "SNI " + row[0]);
        }
    }

    @Test
    void aCatchAllServerTakesHandshakesWithoutSni() {
        ListenerTls tls = ListenerTls.of(List.of(server("exact", "sockshop.com"), server("any", "*")));
        assertEquals("any", tls.forServerName(null).serverName());
        assertEquals("exact", tls.forServerName("sockshop.com").serverName());
    }

    @Test
    void theFirstServerKeepsADuplicatedHost() {
        ListenerTls tls = ListenerTls.of(List.of(server("first", "sockshop.com"), server("second", "sockshop.com")));
        assertEquals("first", tls.forServerName("sockshop.com").serverName());
        assertNull(tls.forServerName("mockshop.com"));
    }
}
