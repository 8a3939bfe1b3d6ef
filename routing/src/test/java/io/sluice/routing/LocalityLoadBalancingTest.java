package io.sluice.routing;

import static io.sluice.routing.TestSnapshots.ROUTE_TO_SVC;
import static io.sluice.routing.TestSnapshots.apply;
import static io.sluice.routing.TestSnapshots.endpoint;
import static io.sluice.routing.TestSnapshots.service;
import static io.sluice.routing.TestSnapshots.snapshot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.model.registry.Locality;
import io.sluice.model.registry.ServiceEndpoints;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LocalityLoadBalancingTest {

    private static final String OUTLIER = "outlierDetection: {consecutive5xxErrors: 1}";

    /** One endpoint per place: the node's subzone, its zone, its region, the failover region, elsewhere. */
    private static final ServiceEndpoints SVC = service("svc", "default", 80,
            endpoint("10.9.0.1", 80, Locality.REGION, "us-east", Locality.ZONE, "us-east-1a"),
            endpoint("10.1.0.1", 80, Locality.REGION, "eu-west", Locality.ZONE, "eu-west-1a",
                    Locality.SUBZONE, "rack1"),
            endpoint("10.4.0.1", 80),
            endpoint("10.8.0.1", 80, Locality.REGION, "us-west"),
            endpoint("10.2.0.1", 80, Locality.REGION, "eu-west", Locality.ZONE, "eu-west-1a",
                    Locality.SUBZONE, "rack2"),
            endpoint("10.3.0.1", 80, Locality.REGION, "eu-west", Locality.ZONE, "eu-west-1b"));

    private static NodeIdentity nodeIn(String region, String zone, String subzone) {
        NodeIdentity node = NodeIdentity.ingress("ingress-0");
        return node.withLabel(Locality.REGION, region).withLabel(Locality.ZONE, zone)
                .withLabel(Locality.SUBZONE, subzone);
    }

    /** The compiled table of a node, with a rule for {@code svc} of the given trafficPolicy. */
    private static RouteTable table(NodeIdentity node, String trafficPolicy, ServiceEndpoints svc) {
        String rule = """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: dr}
                spec:
                  host: svc
                  trafficPolicy:
                %s
                """.formatted(trafficPolicy.indent(4).stripTrailing());
        return RouteCompiler.compile(snapshot(apply(ROUTE_TO_SVC + "---\n" + rule), svc), node);
    }

    /** Endpoint address → what {@code of} says of it, in the cluster's order. */
    private static Map<String, Integer> endpoints(RouteTable table, ToIntFunction<Upstream> of) {
        Map<String, Integer> out = new LinkedHashMap<>();
        table.clusters().get("outbound|80||svc.default.svc.cluster.local").endpoints()
                .forEach(u -> out.put(u.address(), of.applyAsInt(u)));
        return out;
    }

    private static Map<String, Integer> priorities(NodeIdentity node, String trafficPolicy) {
        return endpoints(table(node, trafficPolicy, SVC), Upstream::priority);
    }

    @Test
    void endpointsAreOrderedByHowNearTheyAreToTheNode() {
        Map<String, Integer> p = priorities(nodeIn("eu-west", "eu-west-1a", "rack1"), OUTLIER);
        assertEquals(List.of("10.1.0.1", "10.2.0.1", "10.3.0.1", "10.9.0.1", "10.4.0.1", "10.8.0.1"),
                List.copyOf(p.keySet()));
        assertEquals(List.of(0, 1, 2, 3, 3, 3), List.copyOf(p.values()), "subzone, zone, region, elsewhere");
    }

    /** What an operator sees on /debug/routes. */
    @Test
    void theDumpShowsEachEndpointsPriority() {
        String dump = table(nodeIn("eu-west", "eu-west-1a", "rack1"), OUTLIER, SVC).dump();
        assertTrue(dump.contains("[10.1.0.1:80, 10.2.0.1:80 priority=1, 10.3.0.1:80 priority=2, 10.9.0.1:80 priority=3"),
                dump);
    }

    @Test
    void aFailoverRegionComesBeforeTheRest() {
        Map<String, Integer> p = priorities(nodeIn("eu-west", "eu-west-1a", "rack1"), OUTLIER + """

                loadBalancer:
                  localityLbSetting:
                    failover: [{from: us-west, to: eu-west}, {from: eu-west, to: us-east}]
                """);
        assertEquals(3, p.get("10.9.0.1"), "us-east, the failover region of eu-west");
        assertEquals(4, p.get("10.8.0.1"));
        assertEquals(4, p.get("10.4.0.1"), "an endpoint with no locality is elsewhere");
    }

    /** Of [region, zone, tier=gold]: all three matched 0, region and zone 1, region only 2, none 3. */
    @Test
    void aFailoverPriorityOrdersByTheLeadingLabelsMatched() {
        NodeIdentity node = nodeIn("eu-west", "eu-west-1a", "rack1");
        ServiceEndpoints svc = service("svc", "default", 80,
                endpoint("10.0.0.1", 80, Locality.REGION, "us-east", Locality.ZONE, "eu-west-1a", "tier", "gold"),
                endpoint("10.0.0.2", 80, Locality.REGION, "eu-west", Locality.ZONE, "eu-west-1b", "tier", "gold"),
                endpoint("10.0.0.3", 80, Locality.REGION, "eu-west", Locality.ZONE, "eu-west-1a", "tier", "gold"),
                endpoint("10.0.0.4", 80, Locality.REGION, "eu-west", Locality.ZONE, "eu-west-1a"));
        Map<String, Integer> p = endpoints(table(node, OUTLIER + """

                loadBalancer:
                  localityLbSetting:
                    failoverPriority: [topology.kubernetes.io/region, topology.kubernetes.io/zone, tier=gold]
                """, svc), Upstream::priority);
        assertEquals(Map.of("10.0.0.3", 0, "10.0.0.4", 1, "10.0.0.2", 2, "10.0.0.1", 3), p);
        assertEquals(List.of("10.0.0.3", "10.0.0.4", "10.0.0.2", "10.0.0.1"), List.copyOf(p.keySet()));
    }

    /** Address → weight, for a rule's policy on a node in eu-west-1a/rack1. */
    private static Map<String, Integer> weights(String trafficPolicy, ServiceEndpoints svc) {
        return endpoints(table(nodeIn("eu-west", "eu-west-1a", "rack1"), trafficPolicy, svc), Upstream::weight);
    }

    /**
     * 80 % to the node's zone, 20 % to the rest of its region, none elsewhere; within a share by the
     * endpoints' own weights; no outlier detection needed.
     */
    @Test
    void distributeSplitsTheNodesTrafficOverLocalitiesByWeight() {
        ServiceEndpoints svc = service("svc", "default", 80,
                endpoint("10.1.0.1", 80, Locality.REGION, "eu-west", Locality.ZONE, "eu-west-1a", Locality.SUBZONE, "r1"),
                new io.sluice.model.registry.Endpoint("10.1.0.2", Map.of(80, 80), Map.of(Locality.REGION, "eu-west",
                        Locality.ZONE, "eu-west-1a"), true, null, 3),
                endpoint("10.2.0.1", 80, Locality.REGION, "eu-west", Locality.ZONE, "eu-west-1b"),
                endpoint("10.3.0.1", 80, Locality.REGION, "eu-west", Locality.ZONE, "eu-west-1c"),
                endpoint("10.9.0.1", 80, Locality.REGION, "us-east", Locality.ZONE, "us-east-1a"));
        Map<String, Integer> w = weights("""
                loadBalancer:
                  localityLbSetting:
                    distribute:
                    - from: us-east/*
                      to: {"us-east/*": 100}
                    - from: eu-west/eu-west-1a/*
                      to: {"eu-west/eu-west-1a/*": 80, "eu-west/*": 20}
                """, svc);
        assertEquals(Map.of("10.1.0.1", 2000, "10.1.0.2", 6000, "10.2.0.1", 1000, "10.3.0.1", 1000), w,
                "parts in ten thousand; us-east matches no entry and gets nothing");
        assertEquals(w, weights("""
                outlierDetection: {consecutive5xxErrors: 1}
                loadBalancer:
                  localityLbSetting:
                    distribute: [{from: "eu-west/*", to: {"eu-west/eu-west-1a": 80, "eu-west": 20}}]
                """, svc), "the same written otherwise, with outlier detection");
    }

    @Test
    void aDistributionFromElsewhereLeavesTheNodesEndpointsAsTheyAre() {
        Map<String, Integer> w = weights("""
                loadBalancer:
                  localityLbSetting:
                    distribute: [{from: us-east, to: {us-east: 100}}]
                """, SVC);
        assertEquals(List.of(1), w.values().stream().distinct().toList());
        assertEquals(SVC.endpoints().size(), w.size());
    }

    /** As Istio: without outlier detection nothing would see the near endpoints fail. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "eu-west | loadBalancer: {simple: ROUND_ROBIN}",
            "eu-west | '" + OUTLIER + "\nloadBalancer: {localityLbSetting: {enabled: false}}'",
            "''      | " + OUTLIER})
    void noPrioritiesWithoutOutlierDetectionWhenTurnedOffOrOnANodeOfNoKnownLocality(String region, String policy) {
        NodeIdentity node = region.isEmpty() ? NodeIdentity.ingress("ingress-0") : nodeIn(region, "eu-west-1a", "rack1");
        Map<String, Integer> p = priorities(node, policy);
        assertEquals(List.of("10.9.0.1", "10.1.0.1", "10.4.0.1", "10.8.0.1", "10.2.0.1", "10.3.0.1"),
                List.copyOf(p.keySet()), "the registry's order");
        assertEquals(List.of(0), p.values().stream().distinct().toList());
    }
}
