package io.sluice.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathNormalizerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            ""                  | /
            /                   | /
            /a/b/c              | /a/b/c
            /a/b/               | /a/b/
            /a/./b              | /a/b
            /a/b/.              | /a/b/
            /a/b/..             | /a/
            /a/../..            | /
            /a//b///c           | /a/b/c
            /a/b//              | /a/b/
            a/b                 | /a/b
            /a%2fb              | /a%2Fb
            /a%5cb              | /a%5Cb
            /%7euser            | /~user
            /%41%42%2D%5F%2E    | /AB-_.
            /caf%C3%A9          | /caf%C3%A9
            /100%               | /100%
            /%zz                | /%zz
            /a#frag             | /a
            /a%20b              | /a%20b
            """)
    void normalisesLikeEnvoy(String raw, String normalised) {
        assertEquals(normalised, PathNormalizer.normalize(raw));
    }

    /**
     * A rule "prefix /public → allow, anything else → 403" must not be bypassed to reach {@code /admin}.
     * Each row is an attack path and what it must normalise to. A path still below {@code /public} after
     * normalisation is one the gateway forwards as is: its {@code %2F}, {@code %5C} or backslash stays
     * inside one segment, which is the resource an RFC 3986 server sees.
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            /admin                                | /admin
            /public/../admin                      | /admin
            /public/./../admin                    | /admin
            /public/../../../../admin             | /admin
            /./admin                              | /admin
            //admin                               | /admin
            ///admin/                             | /admin/
            /public//../admin                     | /admin
            /public/..//admin                     | /admin
            /public/../admin/.                    | /admin/
            public/../admin                       | /admin
            /public/%2e%2e/admin                  | /admin
            /public/%2E%2E/admin                  | /admin
            /public/.%2e/admin                    | /admin
            /public/%2e./admin                    | /admin
            /public/%2e/../admin                  | /admin
            /public/%2E%2e/%2e%2E/admin           | /admin
            /%2e%2e/admin                         | /admin
            /public/%2e%2e/%61dmin                | /admin
            /%61%64%6d%69%6e                      | /admin
            /%70ublic/../admin                    | /admin
            /public/%23/../../admin               | /admin
            /admin#/public                        | /admin
            /admin#/../public                     | /admin
            /public#/../../admin                  | /public
            /admin%23/public                      | /admin%23/public
            /public%2F..%2Fadmin                  | /public%2F..%2Fadmin
            /public%2f..%2fadmin                  | /public%2F..%2Fadmin
            /public/..%2Fadmin                    | /public/..%2Fadmin
            /public/%2e%2e%2fadmin                | /public/..%2Fadmin
            /public/%2e%2e%2f%2e%2e%2fadmin       | /public/..%2F..%2Fadmin
            /public%5C..%5Cadmin                  | /public%5C..%5Cadmin
            /public/..%5cadmin                    | /public/..%5Cadmin
            /public\\..\\admin                    | /public\\..\\admin
            /public/..\\admin                     | /public/..\\admin
            /public/%252e%252e/admin              | /public/%252e%252e/admin
            /public/.../admin                     | /public/.../admin
            /public/..%00/admin                   | /public/..%00/admin
            /public/%u002e%u002e/admin            | /public/%u002e%u002e/admin
            /%2fadmin                             | /%2Fadmin
            """)
    void attackPathCannotReachAdminThroughPublicPrefix(String raw, String normalised) {
        String path = PathNormalizer.normalize(raw);
        assertEquals(normalised, path);
        // stable: whatever normalises the path again downstream sees the same resource
        assertEquals(path, PathNormalizer.normalize(path));

        Route route = TestSnapshots.route(guarded(), TestRequest.get("guarded.example.com", raw));
        assertNotNull(route);
        boolean allowed = route.action() instanceof RouteAction.Forward;
        boolean reachesAdmin = firstSegment(path).equalsIgnoreCase("admin");
        assertFalse(allowed && reachesAdmin, "bypass: " + raw + " reaches " + path);
        assertEquals(path.startsWith("/public"), allowed, raw + " -> " + path);
        if (!allowed) {
            assertEquals(403, assertInstanceOf(RouteAction.DirectResponse.class, route.action()).status());
        }
    }

    /** CVE-2021-39155: a host differing only in case or port must still find the guarded host. */
    @ParameterizedTest
    @CsvSource({"guarded.example.com", "GUARDED.example.com", "Guarded.Example.Com:80", "guarded.example.com."})
    void hostCaseAndPortCannotDodgeTheGuardedHost(String host) {
        Route route = TestSnapshots.route(guarded(), TestRequest.get(host, "/admin"));
        assertNotNull(route);
        assertEquals(403, assertInstanceOf(RouteAction.DirectResponse.class, route.action()).status());
    }

    private static String firstSegment(String path) {
        int next = path.indexOf('/', 1);
        return next < 0 ? path.substring(1) : path.substring(1, next);
    }

    private static RouteTable guarded() {
        return TestSnapshots.ingressTable(TestSnapshots.apply("""
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: gw}
                spec:
                  selector: {istio: ingressgateway}
                  servers:
                  - port: {number: 80, name: http, protocol: HTTP}
                    hosts: ["guarded.example.com", "*.other.com"]
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: guarded}
                spec:
                  hosts: ["guarded.example.com"]
                  gateways: [gw]
                  http:
                  - match: [{uri: {prefix: /public}}]
                    route: [{destination: {host: public}}]
                  - directResponse: {status: 403}
                """), TestSnapshots.service("public", "default", 80, TestSnapshots.endpoint("10.0.0.1", 8080)));
    }
}
