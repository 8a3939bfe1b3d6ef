package io.sluice.routing;

import static io.sluice.routing.TestSnapshots.GATEWAY;
import static io.sluice.routing.TestSnapshots.ROUTE_TO_SVC;
import static io.sluice.routing.TestSnapshots.apply;
import static io.sluice.routing.TestSnapshots.endpoint;
import static io.sluice.routing.TestSnapshots.ingressTable;
import static io.sluice.routing.TestSnapshots.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.model.Json;
import io.sluice.model.istio.DestinationRuleSpec.LoadBalancerSettings;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.model.registry.ServicePort;
import io.sluice.routing.ClusterPolicy.Algorithm;
import io.sluice.routing.ClusterPolicy.HashSource;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClusterPolicyCompileTest {

    private static final String RULES = GATEWAY + """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: vs}
            spec:
              hosts: ["*"]
              gateways: [gw]
              http:
              - route:
                - {destination: {host: svc, subset: v1}, weight: 50}
                - {destination: {host: svc, subset: v2}, weight: 50}
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: dr}
            spec:
              host: svc
              trafficPolicy:
                loadBalancer: {simple: RANDOM}
                connectionPool: {tcp: {maxConnections: 3, connectTimeout: 250ms}, http: {http1MaxPendingRequests: 2}}
                outlierDetection: {consecutive5xxErrors: 2, interval: 1s, baseEjectionTime: 5s, maxEjectionPercent: 100}
              subsets:
              - name: v1
                labels: {version: v1}
              - name: v2
                labels: {version: v2}
                trafficPolicy:
                  loadBalancer: {consistentHash: {httpHeaderName: X-User}}
            """;

    @Test
    void subsetPolicyReplacesTopLevelBlocksOneByOne() {
        RouteTable table = ingressTable(apply(RULES), service("svc", "default", 80,
                endpoint("10.0.0.1", 8080, "version", "v1"), endpoint("10.0.0.2", 8080, "version", "v2")));
        var forward = (RouteAction.Forward) table.listener(80).virtualHost("a.com").routes().getFirst().action();
        ClusterPolicy v1 = forward.targets().get(0).cluster().policy();
        ClusterPolicy v2 = forward.targets().get(1).cluster().policy();

        assertEquals(Algorithm.RANDOM, v1.loadBalancer().algorithm());
        assertEquals(new ClusterPolicy.LoadBalancer(Algorithm.CONSISTENT_HASH, HashSource.HEADER, "x-user"),
                v2.loadBalancer());
        for (ClusterPolicy p : new ClusterPolicy[] {v1, v2}) {
            assertEquals(3, p.pool().maxConnections());
            assertEquals(Duration.ofMillis(250), p.pool().connectTimeout());
            assertEquals(2, p.pool().maxPendingRequests());
            assertEquals(Integer.MAX_VALUE, p.pool().maxRequests());
            assertEquals(new ClusterPolicy.Outlier(2, 0, Duration.ofSeconds(1), Duration.ofSeconds(5), 100, 0),
                    p.outlier());
        }
    }

    @Test
    void noDestinationRuleMeansRoundRobinUnlimitedAndNoOutlierDetection() {
        assertEquals(ClusterPolicy.DEFAULT, ClusterPolicies.compile(null, null, 80));
        assertNull(ClusterPolicy.DEFAULT.outlier());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {}                                                      | ROUND_ROBIN     |                 |
            {simple: LEAST_REQUEST}                                 | LEAST_REQUEST   |                 |
            {simple: LEAST_CONN}                                    | LEAST_REQUEST   |                 |
            {simple: RANDOM}                                        | RANDOM          |                 |
            {consistentHash: {httpCookie: {name: user}}}            | CONSISTENT_HASH | COOKIE          | user
            {consistentHash: {useSourceIp: true}}                   | CONSISTENT_HASH | SOURCE_IP       |
            {consistentHash: {httpQueryParameterName: u}}           | CONSISTENT_HASH | QUERY_PARAMETER | u
            """)
    void loadBalancerSettings(String yaml, Algorithm algorithm, HashSource source, String key) throws Exception {
        assertEquals(new ClusterPolicy.LoadBalancer(algorithm, source, key),
                ClusterPolicies.loadBalancer(Json.YAML.readValue(yaml, LoadBalancerSettings.class)));
    }

    @Test
    void outlierBlockWithoutValuesTakesIstiosDefaults() throws Exception {
        var od = Json.YAML.readValue("{consecutiveErrors: 4}",
                io.sluice.model.istio.DestinationRuleSpec.OutlierDetection.class);
        assertEquals(new ClusterPolicy.Outlier(5, 4, Duration.ofSeconds(10), Duration.ofSeconds(30), 10, 0),
                ClusterPolicies.outlier(od));
    }

    @Test
    void connectionLifetimesAndTheRetryBudgetComeFromTheConnectionPoolBlock() throws Exception {
        var settings = Json.YAML.readValue("""
                tcp:
                  idleTimeout: 10m
                  maxConnectionDuration: 30s
                  tcpKeepalive: {time: 60s, probes: 4}
                http: {idleTimeout: 5s, maxRetries: 3, h2UpgradePolicy: UPGRADE, useClientProtocol: true}
                """, io.sluice.model.istio.DestinationRuleSpec.ConnectionPoolSettings.class);
        ClusterPolicy.ConnectionPool pool = ClusterPolicies.pool(settings);
        assertEquals(Duration.ofMinutes(10), pool.tcpIdleTimeout());
        assertEquals(Duration.ofSeconds(30), pool.maxConnectionDuration());
        assertEquals(new ClusterPolicy.Keepalive(4, Duration.ofSeconds(60), null), pool.keepalive());
        assertEquals(Duration.ofSeconds(5), pool.idleTimeout());
        assertEquals(3, pool.maxRetries());
        assertTrue(pool.upgradeToHttp2());
        assertTrue(pool.useClientProtocol());
    }

    /** Istio's protocol selection: a grpc, grpc-web or http2 port, or an HTTP one whose rule upgrades it. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            GRPC     |                 | true
            HTTP2    |                 | true
            GRPC-WEB |                 | true
            HTTP     |                 | false
            HTTP     | UPGRADE         | true
            HTTP     | DO_NOT_UPGRADE  | false
            GRPC     | DO_NOT_UPGRADE  | true
            """)
    void theEndpointsAreSpokenToInHttp2ByPortProtocolOrUpgrade(String protocol, String upgrade, boolean http2) {
        String rule = upgrade == null ? "" : """
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: dr}
                spec:
                  host: svc
                  trafficPolicy: {connectionPool: {http: {h2UpgradePolicy: %s}}}
                """.formatted(upgrade);
        var svc = new ServiceEndpoints(1, "svc.default.svc.cluster.local", "default", "Service",
                List.of(new ServicePort(80, "port", protocol)), "MESH_INTERNAL", "STATIC",
                List.of(endpoint("10.0.0.1", 8080)));
        RouteTable table = ingressTable(apply(ROUTE_TO_SVC + rule), svc);
        var forward = (RouteAction.Forward) table.listener(80).virtualHost("a.com").routes().getFirst().action();
        assertEquals(http2, forward.targets().getFirst().cluster().http2());
    }

    @ParameterizedTest(name = "top {0}, subset {1}: {2}")
    @CsvSource(nullValues = "none", delimiter = '|', value = {
            "none            | none            | none",
            "{}              | none            | V1",
            "{version: V2}   | none            | V2",
            "{version: V2}   | {version: V1}   | V1",
            "none            | {version: V2}   | V2"})
    void proxyProtocolIsTheSubsetsOrTheRulesAndV1WhenNoVersionIsSaid(String top, String subset, String expected) {
        String rule = """
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: dr}
                spec:
                  host: svc
                  %s
                  subsets: [{name: v1, labels: {version: v1}%s}]
                """.formatted(top == null ? "" : "trafficPolicy: {proxyProtocol: " + top + "}",
                subset == null ? "" : ", trafficPolicy: {proxyProtocol: " + subset + "}");
        String route = ROUTE_TO_SVC.replace("{destination: {host: svc}}", "{destination: {host: svc, subset: v1}}");
        RouteTable table = ingressTable(apply(route + rule), service("svc", "default", 80,
                endpoint("10.0.0.1", 8080, "version", "v1")));
        var forward = (RouteAction.Forward) table.listener(80).virtualHost("a.com").routes().getFirst().action();
        ClusterPolicy.ProxyProtocol p = forward.targets().getFirst().cluster().policy().proxyProtocol();
        assertEquals(expected, p == null ? null : p.name());
    }

    @Test
    void aSubsetsTunnelReplacesTheRules() {
        RouteTable table = ingressTable(apply(ROUTE_TO_SVC.replace("{destination: {host: svc}}",
                "{destination: {host: svc, subset: v1}}") + """
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: dr}
                spec:
                  host: svc
                  trafficPolicy: {tunnel: {targetHost: proxy.corp, targetPort: 3128}}
                  subsets:
                  - name: v1
                    labels: {version: v1}
                    trafficPolicy: {tunnel: {protocol: CONNECT, targetHost: "10.1.2.3", targetPort: 5432}}
                """), service("svc", "default", 80, endpoint("10.0.0.1", 8080, "version", "v1")));
        var forward = (RouteAction.Forward) table.listener(80).virtualHost("a.com").routes().getFirst().action();
        assertEquals(new ClusterPolicy.Tunnel("10.1.2.3", 5432),
                forward.targets().getFirst().cluster().policy().tunnel());
    }

    @Test
    void proxyProtocolToAnHttp2PortLeavesItWithoutEndpointsRatherThanWithoutTheHeader() {
        var svc = new ServiceEndpoints(1, "svc.default.svc.cluster.local", "default", "Service",
                List.of(new ServicePort(80, "grpc", "GRPC")), "MESH_INTERNAL", "STATIC",
                List.of(endpoint("10.0.0.1", 8080)));
        RouteTable table = ingressTable(apply(ROUTE_TO_SVC + """
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: dr}
                spec: {host: svc, trafficPolicy: {proxyProtocol: {version: V2}}}
                """), svc);
        var forward = (RouteAction.Forward) table.listener(80).virtualHost("a.com").routes().getFirst().action();
        assertFalse(forward.targets().getFirst().cluster().hasEndpoints());
    }

    @Test
    void withoutThemConnectionsIdleAnHourAndLiveAndRetryWithoutLimit() {
        ClusterPolicy.ConnectionPool pool = ClusterPolicies.pool(null);
        assertEquals(Duration.ofHours(1), pool.idleTimeout());
        assertEquals(Duration.ofHours(1), pool.tcpIdleTimeout());
        assertNull(pool.maxConnectionDuration());
        assertNull(pool.keepalive());
        assertEquals(Integer.MAX_VALUE, pool.maxRetries());
        assertFalse(pool.upgradeToHttp2());
        assertFalse(pool.useClientProtocol());
    }

    @Test
    void portSettingsReplaceThePoliciesBlocksForTheirPortWithoutInheritingAsIstioMerges() throws Exception {
        var dr = Json.YAML.readValue("""
                host: web
                trafficPolicy:
                  loadBalancer: {simple: RANDOM}
                  connectionPool: {tcp: {maxConnections: 10}}
                  portLevelSettings:
                  - port: {number: 8080}
                    loadBalancer: {simple: LEAST_REQUEST}
                subsets:
                - name: v1
                  labels: {version: v1}
                  trafficPolicy:
                    portLevelSettings:
                    - port: {number: 80}
                      outlierDetection: {consecutive5xxErrors: 2}
                """, io.sluice.model.istio.DestinationRuleSpec.class);
        var top = dr.trafficPolicy();
        var v1 = dr.subsets().getFirst().trafficPolicy();

        ClusterPolicy port80 = ClusterPolicies.compile(top, null, 80);
        assertEquals(Algorithm.RANDOM, port80.loadBalancer().algorithm());
        assertEquals(10, port80.pool().maxConnections());

        ClusterPolicy port8080 = ClusterPolicies.compile(top, null, 8080);
        assertEquals(Algorithm.LEAST_REQUEST, port8080.loadBalancer().algorithm());
        assertEquals(ClusterPolicy.ConnectionPool.UNLIMITED, port8080.pool(), "the port's settings do not inherit");

        ClusterPolicy v1Port80 = ClusterPolicies.compile(top, v1, 80);
        assertEquals(Algorithm.ROUND_ROBIN, v1Port80.loadBalancer().algorithm());
        assertEquals(ClusterPolicy.ConnectionPool.UNLIMITED, v1Port80.pool());
        assertEquals(2, v1Port80.outlier().consecutive5xx());
        assertEquals(Algorithm.LEAST_REQUEST, ClusterPolicies.compile(top, v1, 8080).loadBalancer().algorithm(),
                "the subset has nothing for 8080: the top-level port settings stand");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {name: user, ttl: 60s, path: /}                                      | ; Max-Age=60; Path=/; HttpOnly
            {name: user, ttl: 0s}                                                | ; HttpOnly
            {name: user, ttl: 1h, attributes: [{name: SameSite, value: Strict}, {name: Secure}]} | ; Max-Age=3600; SameSite=Strict; Secure; HttpOnly
            """)
    void aCookieHashWithATtlMakesTheCookieAsEnvoyDoes(String cookie, String attributes) throws Exception {
        var lb = ClusterPolicies.loadBalancer(Json.YAML.readValue("{consistentHash: {httpCookie: " + cookie + "}}",
                LoadBalancerSettings.class));
        assertEquals(new ClusterPolicy.NewCookie("user", attributes), lb.newCookie());
        assertEquals("user=\"5eed\"" + attributes, lb.newCookie().header("5eed"));
    }

    @Test
    void withoutATtlNoCookieIsMade() throws Exception {
        assertNull(ClusterPolicies.loadBalancer(Json.YAML.readValue("{consistentHash: {httpCookie: {name: user}}}",
                LoadBalancerSettings.class)).newCookie());
    }

    @Test
    void warmUpInEitherSpellingWithEnvoysDefaults() throws Exception {
        var old = ClusterPolicies.loadBalancer(Json.YAML.readValue("{simple: LEAST_REQUEST, warmupDurationSecs: 30s}",
                LoadBalancerSettings.class));
        assertEquals(Algorithm.LEAST_REQUEST, old.algorithm());
        assertEquals(new ClusterPolicy.Warmup(Duration.ofSeconds(30), 10, 1), old.warmup());
        var w = ClusterPolicies.loadBalancer(Json.YAML.readValue(
                "{warmup: {duration: 100s, minimumPercent: 20, aggression: 2}}", LoadBalancerSettings.class)).warmup();
        assertEquals(0.2, w.weight(0));
        assertEquals(0.5, w.weight(Duration.ofSeconds(25).toNanos()), 1e-9, "(1/4) ^ (1/2)");
        assertEquals(1, w.weight(Duration.ofSeconds(100).toNanos()));
        assertNull(ClusterPolicies.loadBalancer(Json.YAML.readValue("{simple: ROUND_ROBIN}",
                LoadBalancerSettings.class)).warmup());
    }
}
