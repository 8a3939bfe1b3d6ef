package io.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.model.Manifests;
import io.sluice.model.PersistentMap;
import io.sluice.model.Resource;
import io.sluice.model.validation.Warning;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A write of VirtualServices alone is analysed against the index of the stored config kept from the
 * last write; what goes into that index (DestinationRules here, and the registry's hosts) changing
 * in between must still be seen.
 */
class AdmissionTest {

    private static final String GATEWAY_AND_RULE = """
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: gw, namespace: shop}
            spec:
              selector: {istio: ingressgateway}
              servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*.shop.com"]}]
            ---
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: web, namespace: shop}
            spec: {host: web, subsets: [{name: v1, labels: {version: v1}}]}
            """;
    private static final String RULE_WITH_V2 = """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: web, namespace: shop}
            spec: {host: web, subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]}
            """;
    private static final String WEB = "web.shop.svc.cluster.local";

    private final AtomicReference<PersistentMap<Resource>> stored = new AtomicReference<>(PersistentMap.empty());
    private final AtomicReference<Set<String>> hosts = new AtomicReference<>(Set.of(WEB));
    private final Admission admission = new Admission(stored::get, hosts::get);

    @Test
    void virtualServiceWritesSeeEveryChangeToWhatTheyAreResolvedAgainst() throws Exception {
        store(GATEWAY_AND_RULE);
        assertEquals(List.of("Referenced host+subset in destinationrule not found: \"web+v2\""), warnings(vs("a", "v2")));

        store(vs("a", "v1")); // a VirtualService stored meanwhile changes nothing the analysis needs
        assertEquals(List.of(), warnings(vs("b", "v1")));
        assertEquals(List.of("Referenced host+subset in destinationrule not found: \"web+v2\""), warnings(vs("b", "v2")));

        store(RULE_WITH_V2);
        assertEquals(List.of(), warnings(vs("b", "v2")));

        hosts.set(Set.of("other.shop.svc.cluster.local"));
        assertEquals(List.of("Referenced host not found: \"web\""), warnings(vs("b", "v2")));
    }

    private static String vs(String name, String subset) {
        return """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: %s, namespace: shop}
                spec:
                  hosts: [%s.shop.com]
                  gateways: [gw]
                  http: [{route: [{destination: {host: web, subset: %s}}]}]
                """.formatted(name, name, subset);
    }

    private void store(String yaml) throws Manifests.MalformedException {
        for (Resource r : resources(yaml)) {
            stored.set(stored.get().with(r.key().topicKey(), r));
        }
    }

    private List<String> warnings(String yaml) throws Manifests.MalformedException {
        return admission.analyze(resources(yaml)).stream().map(Warning::message).toList();
    }

    private static List<Resource> resources(String yaml) throws Manifests.MalformedException {
        return Manifests.decode(yaml, "shop").stream().map(d -> ((Manifests.Accepted) d).resource()).toList();
    }
}
