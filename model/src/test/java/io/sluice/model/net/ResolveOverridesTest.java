package io.sluice.model.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ResolveOverridesTest {

    static final ResolveOverrides OVERRIDES = ResolveOverrides.parse("""
            # stand-ins
            httpbin.org 127.0.0.1
            httpbin.org:443 127.0.0.1:18443   # TLS stand-in
            Other.example:80 [::1]:9000
            """);

    @ParameterizedTest
    @CsvSource({
            "httpbin.org, 80, 127.0.0.1, 80",
            "HTTPBIN.org, 8080, 127.0.0.1, 8080",
            "httpbin.org, 443, 127.0.0.1, 18443",
            "other.example, 80, 0:0:0:0:0:0:0:1, 9000"})
    void portEntryWinsOverNameEntry(String host, int port, String address, int expectedPort) {
        InetSocketAddress a = OVERRIDES.resolve(host, port);
        assertEquals(address, a.getAddress().getHostAddress());
        assertEquals(expectedPort, a.getPort());
    }

    @Test
    void leavesOtherNamesUnresolvedForDns() {
        InetSocketAddress a = OVERRIDES.resolve("example.com", 443);
        assertTrue(a.isUnresolved());
        assertEquals("example.com", a.getHostString());
        assertEquals(443, a.getPort());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "httpbin.org|line 1: expected NAME ADDRESS",
            "httpbin.org localhost|line 1: address must be an IP literal",
            "httpbin.org:443 127.0.0.1|line 1: NAME:PORT needs ADDRESS:PORT",
            "httpbin.org:x 127.0.0.1:1|line 1: bad port x"})
    void rejectsMalformedLinesNamingTheLine(String line, String message) {
        var e = assertThrows(IllegalArgumentException.class, () -> ResolveOverrides.parse(line));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
