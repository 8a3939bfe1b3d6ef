package io.sluice.routing;

import static io.sluice.routing.TestSnapshots.apply;
import static io.sluice.routing.TestSnapshots.ingressTable;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpRouteMatchingTest {

    private static final RouteTable TABLE = ingressTable(apply("""
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: gw}
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: 80, name: http, protocol: HTTP}
                hosts: ["match.example.com"]
              - port: {number: 8080, name: http-alt, protocol: HTTP}
                hosts: ["match.example.com"]
            ---
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: rules}
            spec:
              hosts: ["match.example.com"]
              gateways: [gw]
              http:
              - name: exact-uri
                match: [{uri: {exact: /exact}}]
                route: [{destination: {host: a}}]
              - name: regex-uri
                match: [{uri: {regex: "/items/[0-9]+"}}]
                route: [{destination: {host: a}}]
              - name: ignore-case
                match: [{uri: {prefix: /Case}, ignoreUriCase: true}]
                route: [{destination: {host: a}}]
              - name: and-within
                match: [{uri: {prefix: /and}, method: {exact: POST}, headers: {x-env: {exact: prod}}}]
                route: [{destination: {host: a}}]
              - name: or-between
                match:
                - {uri: {prefix: /or}, method: {exact: PUT}}
                - {uri: {prefix: /or}, headers: {x-or: {}}}
                route: [{destination: {host: a}}]
              - name: header-prefix
                match: [{uri: {prefix: /hp}, headers: {X-User: {prefix: adm}}}]
                route: [{destination: {host: a}}]
              - name: header-regex
                match: [{uri: {prefix: /hr}, headers: {x-id: {regex: "[a-f]+"}}}]
                route: [{destination: {host: a}}]
              - name: without-header
                match: [{uri: {prefix: /wo}, withoutHeaders: {x-debug: {}}}]
                route: [{destination: {host: a}}]
              - name: query
                match: [{uri: {prefix: /q}, queryParams: {v: {exact: "2"}}}]
                route: [{destination: {host: a}}]
              - name: query-regex
                match: [{uri: {prefix: /q}, queryParams: {v: {regex: "[0-9]+"}}}]
                route: [{destination: {host: a}}]
              - name: authority
                match: [{uri: {prefix: /auth}, authority: {exact: match.example.com}}]
                route: [{destination: {host: a}}]
              - name: other-gateway
                match: [{uri: {prefix: /gw}, gateways: [other]}]
                route: [{destination: {host: a}}]
              - name: this-gateway
                match: [{uri: {prefix: /gw}, gateways: [default/gw]}]
                route: [{destination: {host: a}}]
              - name: port-8080
                match: [{uri: {prefix: /port}, port: 8080}]
                route: [{destination: {host: a}}]
              - name: first
                match: [{uri: {prefix: /first}}]
                route: [{destination: {host: a}}]
              - name: second
                match: [{uri: {prefix: /first}}]
                route: [{destination: {host: a}}]
              - name: catch-all
                route: [{destination: {host: a}}]
            """));

    /**
     * Each row: method, request target, headers ({@code name=value;…}), port, and the rule that must win.
     * {@code catch-all} is the last rule: nothing before it held.
     */
    @ParameterizedTest(name = "{0} {1} [{2}] :{3} -> {4}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            GET  | /exact          | -                 | 80   | exact-uri
            GET  | /exact/         | -                 | 80   | catch-all
            GET  | /Exact          | -                 | 80   | catch-all
            GET  | /items/42       | -                 | 80   | regex-uri
            GET  | /items/42/x     | -                 | 80   | catch-all
            GET  | /items/abc      | -                 | 80   | catch-all
            GET  | /case/x         | -                 | 80   | ignore-case
            GET  | /CASE/x         | -                 | 80   | ignore-case
            POST | /and            | x-env=prod        | 80   | and-within
            GET  | /and            | x-env=prod        | 80   | catch-all
            POST | /and            | x-env=dev         | 80   | catch-all
            POST | /and            | -                 | 80   | catch-all
            PUT  | /or             | -                 | 80   | or-between
            GET  | /or             | x-or=             | 80   | or-between
            GET  | /or             | x-or=anything     | 80   | or-between
            GET  | /or             | -                 | 80   | catch-all
            GET  | /hp             | x-user=admin      | 80   | header-prefix
            GET  | /hp             | X-USER=admin      | 80   | header-prefix
            GET  | /hp             | x-user=user       | 80   | catch-all
            GET  | /hr             | x-id=cafe         | 80   | header-regex
            GET  | /hr             | x-id=cafes        | 80   | catch-all
            GET  | /wo             | -                 | 80   | without-header
            GET  | /wo             | x-debug=1         | 80   | catch-all
            GET  | /q?v=2          | -                 | 80   | query
            GET  | /q?a=1&v=2      | -                 | 80   | query
            GET  | /q?v=3          | -                 | 80   | query-regex
            GET  | /q?v=x          | -                 | 80   | catch-all
            GET  | /q              | -                 | 80   | catch-all
            GET  | /auth           | -                 | 80   | authority
            GET  | /auth           | host=other.com    | 80   | catch-all
            GET  | /gw             | -                 | 80   | this-gateway
            GET  | /port           | -                 | 8080 | port-8080
            GET  | /port           | -                 | 80   | catch-all
            GET  | /first/x        | -                 | 80   | first
            GET  | /nothing        | -                 | 80   | catch-all
            """)
    void firstRuleWhoseMatchHoldsWins(String method, String target, String headers, int port, String rule) {
        TestRequest request = TestRequest.get("match.example.com", target).method(method).port(port);
        if (headers != null) {
            for (String h : headers.split(";")) {
                String[] kv = h.split("=", 2);
                request = request.header(kv[0], kv[1]);
            }
        }
        assertEquals("default/rules#" + rule, TestSnapshots.route(TABLE, request).origin());
    }

    @Test
    void matchBlocksForAnotherGatewayOrPortAreDroppedAtCompileTime() {
        List<String> onPort80 = TABLE.listener(80).virtualHost("match.example.com").routes().stream()
                .map(Route::origin).toList();
        assertEquals(false, onPort80.contains("default/rules#other-gateway"));
        assertEquals(false, onPort80.contains("default/rules#port-8080"));
        assertEquals(true, TABLE.listener(8080).virtualHost("match.example.com").routes().stream()
                .anyMatch(r -> r.origin().equals("default/rules#port-8080")));
    }
}
