package io.sluice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostMatcherTest {

    private static final List<String> PATTERNS = List.of("sockshop.com", "*.sockshop.com", "*.eu.sockshop.com",
            "a.eu.sockshop.com", "*.com", "*");

    private static HostMatcher<String> matcher(List<String> patterns) {
        Map<String, String> byPattern = new LinkedHashMap<>();
        patterns.forEach(p -> byPattern.put(p, p));
        return HostMatcher.of(byPattern);
    }

    /** A change to exact names, wildcards and the catch-all is found as in a matcher built with it. */
    @Test
    void changedMatcherFindsWhatOneBuiltWithTheChangeFinds() {
        Map<String, String> changes = new HashMap<>();
        changes.put("*.eu.sockshop.com", null);
        changes.put("sockshop.com", "sockshop.com v2");
        changes.put("*.org", "*.org");
        changes.put("*", null);
        HostMatcher<String> changed = matcher(PATTERNS).with(changes);
        HostMatcher<String> built = matcher(List.of("sockshop.com", "*.sockshop.com", "a.eu.sockshop.com", "*.com", "*.org"));
        for (String host : List.of("sockshop.com", "b.eu.sockshop.com", "a.eu.sockshop.com", "x.org", "com", "mockshop.com")) {
            String expected = host.equals("sockshop.com") ? "sockshop.com v2" : built.find(host);
            assertEquals(expected, changed.find(host), host);
        }
        assertEquals(built.patterns(), changed.patterns());
    }

    /** The most specific pattern wins: the exact name, then the longest wildcard, then {@code *}. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            sockshop.com           | sockshop.com
            www.sockshop.com       | *.sockshop.com
            a.b.sockshop.com       | *.sockshop.com
            eu.sockshop.com        | *.sockshop.com
            b.eu.sockshop.com      | *.eu.sockshop.com
            x.b.eu.sockshop.com    | *.eu.sockshop.com
            a.eu.sockshop.com      | a.eu.sockshop.com
            mockshop.com           | *.com
            com                    | *
            .sockshop.com          | *.com
            sockshop.org           | *
            """)
    void mostSpecificPatternWins(String host, String pattern) {
        assertEquals(pattern, matcher(PATTERNS).find(host));
    }

    @Test
    void unknownHostWithoutCatchAllFindsNothing() {
        assertEquals(null, matcher(List.of("sockshop.com", "*.mockshop.com")).find("mockshop.com"));
    }

    /** Requests name hosts in any case, with a port or a trailing dot: all the same virtual host. */
    @ParameterizedTest
    @CsvSource({"sockshop.com", "SOCKSHOP.COM", "SockShop.com:80", "sockshop.com:8080", "sockshop.com."})
    void listenerComparesHostsWithoutCaseOrPort(String host) {
        Listener l = Listener.of(80, "HTTP", Map.of("sockshop.com", new VirtualHost("sockshop.com", List.of()),
                "*.sockshop.com", new VirtualHost("*.sockshop.com", List.of())));
        assertEquals("sockshop.com", l.virtualHost(host).host());
        assertEquals("*.sockshop.com", l.virtualHost("WWW." + host).host());
    }

    @ParameterizedTest(name = "{0} ∩ {1} = {2}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            *                | sockshop.com     | sockshop.com
            sockshop.com     | *                | sockshop.com
            *.sockshop.com   | www.sockshop.com | www.sockshop.com
            *.sockshop.com   | *.eu.sockshop.com| *.eu.sockshop.com
            *.sockshop.com   | sockshop.com     | -
            sockshop.com     | mockshop.com     | -
            *.com            | *.sockshop.com   | *.sockshop.com
            """)
    void gatewayAndVirtualServiceHostsIntersect(String a, String b, String both) {
        assertEquals(both, HostMatcher.intersect(a, b));
    }
}
