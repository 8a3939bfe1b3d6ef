package io.sluice.routing;

import static io.sluice.routing.TestSnapshots.ingressTable;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class VirtualServiceMergeTest {

    private static final String GATEWAY = """
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: gw}
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: 80, name: http, protocol: HTTP}
                hosts: ["shop.com"]
            ---
            """;

    private static String vs(String name, String prefix) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: %s}
                spec:
                  hosts: ["shop.com"]
                  gateways: [gw]
                  http:
                  - name: prefix
                    match: [{uri: {prefix: %s}}]
                    route: [{destination: {host: %s}}]
                  - name: rest
                    route: [{destination: {host: %s}}]
                """.formatted(name, prefix, name, name);
    }

    private static List<String> origins(RouteTable table) {
        return table.listener(80).virtualHost("shop.com").routes().stream().map(Route::origin).toList();
    }

    @Test
    void oldestVirtualServiceFirstAndCatchAllRulesLast() {
        RouteTable table = ingressTable(TestSnapshots.apply(GATEWAY, vs("zeta", "/z"), vs("alpha", "/a")));
        assertEquals(List.of("default/zeta#prefix", "default/alpha#prefix", "default/zeta#rest", "default/alpha#rest"),
                origins(table));
        assertEquals("alpha.default.svc.cluster.local",
                TestSnapshots.forwardedHost(table, TestRequest.get("shop.com", "/a/1")),
                "zeta's catch-all must not hide alpha's rules");
    }

    @Test
    void sameCreationTimeMergesByName() {
        RouteTable table = ingressTable(TestSnapshots.createdTogether(GATEWAY + vs("zeta", "/z") + "---\n"
                + vs("alpha", "/a")));
        assertEquals(List.of("default/alpha#prefix", "default/zeta#prefix", "default/alpha#rest", "default/zeta#rest"),
                origins(table));
    }

    @Test
    void singleVirtualServiceKeepsItsOwnOrder() {
        RouteTable table = ingressTable(TestSnapshots.apply(GATEWAY, """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: one}
                spec:
                  hosts: ["shop.com"]
                  gateways: [gw]
                  http:
                  - name: everything
                    route: [{destination: {host: one}}]
                  - name: never
                    match: [{uri: {prefix: /n}}]
                    route: [{destination: {host: two}}]
                """));
        assertEquals(List.of("default/one#everything", "default/one#never"), origins(table));
    }
}
