package io.sluice.gateway.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where a proxy request is going: the CONNECT authority and the port of an absolute URI. */
class MeshRequestTargetTest {

    @ParameterizedTest(name = "CONNECT {0}")
    @CsvSource(nullValues = "none", value = {
            "httpbin.org:443, httpbin.org, 443",
            "[::1]:8443, ::1, 8443",
            "10.0.0.1:5432, 10.0.0.1, 5432",
            "httpbin.org, none, 0",
            "httpbin.org:, none, 0",
            ":443, none, 0",
            "httpbin.org:99999, none, 0",
            "httpbin.org:https, none, 0"})
    void connectAuthority(String authority, String host, int port) {
        InetSocketAddress a = MeshProxy.authority(authority);
        if (host == null) {
            assertNull(a);
        } else {
            assertEquals(host, a.getHostString());
            assertEquals(port, a.getPort());
        }
    }

    @ParameterizedTest(name = "{0} with Host {1} -> {2}")
    @CsvSource({
            "http://httpbin.org/get, httpbin.org, 80",
            "http://httpbin.org:8080/get, httpbin.org:8080, 8080",
            "https://httpbin.org/get, httpbin.org, 443",
            "/get, envoydummy.chapter4:9000, 9000",
            "/get, envoydummy.chapter4, 80",
            "/get, [::1], 80",
            "/get, [::1]:81, 81"})
    void portOfTheRequest(String target, String host, int port) {
        assertEquals(port, MeshHttpHandler.port(target, host));
    }
}
