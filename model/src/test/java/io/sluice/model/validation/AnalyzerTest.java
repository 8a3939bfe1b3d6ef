package io.sluice.model.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.model.Manifests;
import io.sluice.model.Resource;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AnalyzerTest {

    private static final String GATEWAY = """
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: shop}
            spec:
              servers:
              - {port: {number: 80, name: http, protocol: HTTP}, hosts: ["*.shop.com", "./only-here.com"]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {ports: [{port: 80}]}
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: web, namespace: shop}
            spec: {host: web, subsets: [{name: v1, labels: {version: v1}}]}
            """;

    static List<Resource> resources(String yaml) throws Manifests.MalformedException {
        return Manifests.decode(yaml, "shop").stream()
                .map(d -> ((Manifests.Accepted) d).resource())
                .toList();
    }

    static List<Warning> analyze(String vs, Set<String> known) throws Manifests.MalformedException {
        List<Resource> all = resources(GATEWAY);
        List<Resource> changed = resources(vs);
        return Analyzer.analyze(all, changed, known);
    }

    static String vs(String hosts, String gateways, String destination) {
        return "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: vs, namespace: shop}\n"
                + "spec: {hosts: " + hosts + ", gateways: " + gateways + ", http: [{route: [{destination: "
                + destination + "}]}]}\n";
    }

    @Test
    void referencesThatResolveGiveNoWarnings() throws Exception {
        assertEquals(List.of(), analyze(vs("[www.shop.com, only-here.com]", "[gw, mesh]",
                "{host: web, subset: v1}"), Set.of()));
        assertEquals(List.of(), analyze(vs("[a.shop.com]", "[shop/gw]",
                "{host: web.shop.svc.cluster.local}"), Set.of()));
    }

    @Test
    void aSubsetNoDestinationRuleDefinesIsReported() throws Exception {
        assertEquals(List.of(new Warning(Warning.REFERENCED_RESOURCE_NOT_FOUND, "VirtualService shop/vs", "spec.http[0].route[0].destination.subset",
                        "Referenced host+subset in destinationrule not found: \"web+v2\"")),
                analyze(vs("[www.shop.com]", "[gw]", "{host: web, subset: v2}"), Set.of()));
    }

    @Test
    void aMissingGatewayIsReportedButMeshIsNot() throws Exception {
        assertEquals(List.of(new Warning(Warning.REFERENCED_RESOURCE_NOT_FOUND, "VirtualService shop/vs", "spec.gateways[1]",
                        "Referenced gateway not found: \"other/gw\"")),
                analyze(vs("[www.shop.com]", "[mesh, other/gw]", "{host: web}"), Set.of()));
    }

    @Test
    void aHostTheGatewayDoesNotServeIsReported() throws Exception {
        assertEquals(List.of(new Warning(Warning.HOST_NOT_FOUND_IN_GATEWAY, "VirtualService shop/vs", "spec.hosts[1]",
                        "host \"shop.com\" is not covered by any server of gateway \"shop/gw\"")),
                analyze(vs("[www.shop.com, shop.com]", "[gw]", "{host: web}"), Set.of()));
    }

    @Test
    void aServerHostForItsOwnNamespaceDoesNotCoverOtherNamespaces() throws Exception {
        String other = vs("[only-here.com]", "[shop/gw]", "{host: web.shop}").replace("namespace: shop", "namespace: x");
        assertEquals(List.of("spec.hosts[0]"), analyze(other, Set.of()).stream().map(Warning::field).toList());
    }

    @Test
    void unknownDestinationHostsAreReportedUnlessTheRegistryKnowsThem() throws Exception {
        String vs = vs("[www.shop.com]", "[gw]", "{host: ratings}");
        assertEquals(List.of(new Warning(Warning.REFERENCED_RESOURCE_NOT_FOUND, "VirtualService shop/vs", "spec.http[0].route[0].destination.host",
                "Referenced host not found: \"ratings\"")), analyze(vs, Set.of()));
        assertEquals(List.of(), analyze(vs, Set.of("ratings.shop.svc.cluster.local")));
    }

    @Test
    void tcpRouteDestinationsAreCheckedAsHttpOnesAre() throws Exception {
        String vs = vs("[\"*\"]", "[mesh]", "{host: web}").replace("http: [{route:", "tcp: [{route:")
                .replace("{host: web}", "{host: web, subset: v3}");
        assertEquals(List.of(new Warning(Warning.REFERENCED_RESOURCE_NOT_FOUND, "VirtualService shop/vs",
                        "spec.tcp[0].route[0].destination.subset",
                        "Referenced host+subset in destinationrule not found: \"web+v3\"")),
                analyze(vs, Set.of()));
    }

    @Test
    void onlyChangedObjectsAreReported() throws Exception {
        List<Resource> broken = resources(vs("[x.com]", "[missing]", "{host: nowhere, subset: v9}"));
        assertEquals(List.of(), Analyzer.analyze(broken, resources(GATEWAY)));
        assertEquals(List.of("spec.gateways[0]", "spec.http[0].route[0].destination.host",
                "spec.http[0].route[0].destination.subset"),
                Analyzer.analyze(List.of(), broken).stream().map(Warning::field).toList());
    }
}
