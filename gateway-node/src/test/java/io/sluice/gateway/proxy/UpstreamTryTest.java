package io.sluice.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UpstreamTryTest {

    @Test
    void hopByHopNamesTheConnectionsOwnHeadersInAnyCaseAndNothingElse() {
        Map<String, Boolean> table = Map.ofEntries(
                Map.entry("connection", true), Map.entry("Connection", true), Map.entry("KEEP-ALIVE", true),
                Map.entry("proxy-connection", true), Map.entry("Transfer-Encoding", true), Map.entry("te", true),
                Map.entry("Trailer", true), Map.entry("upgrade", true), Map.entry("Proxy-Authorization", true),
                Map.entry("proxy-authenticate", true), Map.entry("Host", true), Map.entry("content-length", true),
                Map.entry("content-type", false), Map.entry("tf", false), Map.entry("hosts", false),
                Map.entry("upgrades", false), Map.entry("x-connection", false), Map.entry("", false),
                Map.entry("trailers", false), Map.entry("keep-alivf", false), Map.entry("authorization", false));
        table.forEach((name, expected) -> assertEquals(expected, UpstreamTry.hopByHop(name), name));
    }
}
