package io.sluice.routing;

import static io.sluice.routing.TestSnapshots.apply;
import static io.sluice.routing.TestSnapshots.endpoint;
import static io.sluice.routing.TestSnapshots.service;
import static io.sluice.routing.TestSnapshots.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.model.registry.ServiceEndpoints;
import org.junit.jupiter.api.Test;

/** VirtualService {@code tcp} rules on a Gateway server of protocol TCP, as in Istio's tcp-echo task. */
class TcpRoutingTest {

    static final ServiceEndpoints ECHO = service("tcp-echo", "tcp", 9000,
            endpoint("10.0.0.1", 9001, "version", "v1"), endpoint("10.0.0.2", 9002, "version", "v2"));
    static final String GATEWAY = """
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: tcp-echo-gateway, namespace: tcp}
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: 31400, name: tcp, protocol: TCP}
                hosts: ["*"]
              - port: {number: 31401, name: tcp-other, protocol: TCP}
                hosts: ["*"]
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: tcp-echo, namespace: tcp}
            spec:
              host: tcp-echo
              subsets:
              - {name: v1, labels: {version: v1}}
              - {name: v2, labels: {version: v2}}
            """;
    static final String SPLIT = """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: tcp-echo, namespace: tcp}
            spec:
              hosts: ["*"]
              gateways: [tcp-echo-gateway]
              tcp:
              - match: [{port: 31400}]
                route:
                - {destination: {host: tcp-echo, port: {number: 9000}, subset: v1}, weight: 80}
                - {destination: {host: tcp-echo, port: {number: 9000}, subset: v2}, weight: 20}
            """;

    static RouteTable table(String... yamls) {
        return RouteCompiler.compile(snapshot(apply(yamls), ECHO), NodeIdentity.ingress("i"));
    }

    @Test
    void aTcpRuleSplitsItsPortByWeight() {
        SniRouter router = table(GATEWAY, SPLIT).sniRouter(31400);
        assertTrue(router.plainTcp());
        TcpRoute route = router.route(null, null, null);
        assertEquals("tcp/tcp-echo#tcp0", route.origin());
        assertEquals(100, route.totalWeight());
        assertEquals("outbound|9000|v1|tcp-echo.tcp.svc.cluster.local", route.pick(79).name());
        assertEquals("outbound|9000|v2|tcp-echo.tcp.svc.cluster.local", route.pick(80).name());
        assertEquals("10.0.0.2", route.pick(99).endpoints().getFirst().address());
    }

    @Test
    void aPortNoRuleMatchesIsOpenButRoutesNowhere() {
        RouteTable t = table(GATEWAY, SPLIT);
        assertTrue(t.sniRouter(31401).plainTcp(), "the Gateway opens it: connections are closed, not refused");
        assertNull(t.sniRouter(31401).route(null, null, null));
        assertNull(table(GATEWAY).sniRouter(31400).route(null, null, null), "no VirtualService yet");
    }

    @Test
    void theFirstRuleThatAppliesTakesThePort() {
        RouteTable t = table(GATEWAY, SPLIT.replace("""
                  tcp:
                """, """
                  tcp:
                  - match: [{port: 31401}]
                    route: [{destination: {host: tcp-echo, subset: v2}}]
                  - route: [{destination: {host: tcp-echo, subset: v2}}]
                """));
        assertEquals("tcp/tcp-echo#tcp0", t.sniRouter(31401).route(null, null, null).origin());
        assertEquals("tcp/tcp-echo#tcp1", t.sniRouter(31400).route(null, null, null).origin(), "a rule without match applies");
        assertTrue(t.dump().contains("tcp 31400 -> tcp/tcp-echo#tcp1 [outbound|9000|v2|"), t.dump());
    }

    @Test
    void subnetsChooseAmongTheRulesOfAPortStreamByStream() {
        RouteTable t = table(GATEWAY, splitAfter("""
                  - match: [{port: 31400, sourceSubnet: 10.1.0.0/16}]
                    route: [{destination: {host: tcp-echo, subset: v2}}]
                  - match: [{port: 31400, destinationSubnets: [192.168.5.5, "2001:db8::/32"]}]
                    route: [{destination: {host: tcp-echo, subset: v2}}]
                  - match: [{port: 31400}]
                """));
        SniRouter router = t.sniRouter(31400);
        assertEquals("tcp/tcp-echo#tcp0", origin(router, "10.1.200.3", "127.0.0.1"), "from the office's range");
        assertEquals("tcp/tcp-echo#tcp1", origin(router, "10.2.0.1", "192.168.5.5"), "to the one address");
        assertEquals("tcp/tcp-echo#tcp1", origin(router, "::1", "2001:db8:0:1::7"), "to the IPv6 range");
        assertEquals("tcp/tcp-echo#tcp2", origin(router, "10.2.0.1", "192.168.5.6"), "the rest: the last rule");
        assertEquals("tcp/tcp-echo#tcp0", origin(router, "::ffff:10.1.0.1", "127.0.0.1"),
                "a dual-stack socket's IPv4-mapped address is its IPv4 address");
        assertTrue(t.dump().contains("tcp/tcp-echo#tcp0 from [10.1.0.0/16]"), t.dump());
    }

    @Test
    void anIpv4MappedSubnetTakesTheIpv4AddressesOfItsIpv4Block() {
        RouteTable t = table(GATEWAY, splitAfter("""
                  - match: [{port: 31400, sourceSubnet: "::ffff:10.1.0.0/112"}]
                    route: [{destination: {host: tcp-echo, subset: v2}}]
                  - match: [{port: 31400, destinationSubnets: ["::ffff:192.168.5.5"]}]
                    route: [{destination: {host: tcp-echo, subset: v2}}]
                  - match: [{port: 31400, sourceSubnet: "::ffff:0:0/80"}]
                    route: [{destination: {host: tcp-echo, subset: v2}}]
                  - match: [{port: 31400}]
                """));
        SniRouter router = t.sniRouter(31400);
        assertEquals("tcp/tcp-echo#tcp1", origin(router, "10.2.0.1", "192.168.5.5"), "192.168.5.5/32");
        assertEquals("tcp/tcp-echo#tcp0", origin(router, "10.1.2.3", "127.0.0.1"), "10.1.0.0/16");
        assertEquals("tcp/tcp-echo#tcp3", origin(router, "10.2.0.1", "192.168.5.6"),
                "a mapped block wider than IPv4, refused by validation, takes no address");
        assertTrue(t.dump().contains("tcp/tcp-echo#tcp0 from [10.1.0.0/16]"), t.dump());
    }

    @Test
    void aSubnetValidationWouldRefuseTakesNoAddressInsteadOfFailingTheCompile() {
        // stored before validation parsed subnets as addresses: each once made every table compile throw
        RouteTable t = table(GATEWAY, splitAfter("""
                  - match: [{port: 31400, sourceSubnet: "10.0.0.1:80"}]
                    route: [{destination: {host: tcp-echo, subset: v2}}]
                  - match: [{port: 31400, destinationSubnets: ["fe80::1::2", "1:2:3", 192.168.5.5]}]
                    route: [{destination: {host: tcp-echo, subset: v2}}]
                  - match: [{port: 31400}]
                """));
        SniRouter router = t.sniRouter(31400);
        assertEquals("tcp/tcp-echo#tcp1", origin(router, "10.0.0.1", "192.168.5.5"), "the valid block still counts");
        assertEquals("tcp/tcp-echo#tcp2", origin(router, "10.0.0.1", "127.0.0.1"), "the others take no address");
        assertEquals("tcp/tcp-echo#tcp2", origin(router, "::1", "fe80::1"));
    }

    @Test
    void aRuleThatTakesEveryStreamEndsThePortsRules() {
        RouteTable t = table(GATEWAY, splitAfter("""
                  - match: [{port: 31400, sourceSubnet: 10.1.0.0/16}]
                    route: [{destination: {host: tcp-echo, subset: v2}}]
                  - route: [{destination: {host: tcp-echo, subset: v1}}]
                  - match: [{port: 31400, sourceSubnet: 10.2.0.0/16}]
                """));
        assertEquals("tcp/tcp-echo#tcp1", origin(t.sniRouter(31400), "10.2.0.1", "127.0.0.1"));
        assertNull(t.sniRouter(31400).tcp().orElse().orElse(), "the third is never reached, so not kept");
    }

    /** {@link #SPLIT} with these rules before its split, the last of them taking the split's route. */
    private static String splitAfter(String rules) {
        return SPLIT.replace("""
                  tcp:
                  - match: [{port: 31400}]
                """, "  tcp:\n" + rules);
    }

    private static String origin(SniRouter router, String source, String destination) {
        TcpRoute r = router.route(null, Subnets.literal(source), Subnets.literal(destination));
        return r == null ? null : r.origin();
    }
}
