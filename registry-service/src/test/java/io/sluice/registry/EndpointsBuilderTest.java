package io.sluice.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.model.Json;
import io.sluice.model.Manifests;
import io.sluice.model.Resource;
import io.sluice.model.net.ResolveOverrides;
import io.sluice.model.registry.Endpoint;
import io.sluice.model.registry.Locality;
import io.sluice.model.registry.Network;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.model.registry.Workload;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointsBuilderTest {

    private static final EndpointsBuilder.Resolver NO_DNS = (name, port) -> List.of();

    private static final String REVIEWS = """
            apiVersion: v1
            kind: Service
            metadata: {name: reviews, namespace: shop}
            spec:
              selector: {app: reviews}
              ports:
              - {name: http, port: 80, targetPort: 9080}
              - {name: grpc, port: 81, targetPort: 9081}
            ---
            apiVersion: networking.istio.io/v1
            kind: WorkloadEntry
            metadata: {name: reviews-vm1, namespace: shop}
            spec: {address: 10.0.0.1, ports: {http: 19080}, labels: {app: reviews, version: v1}}
            ---
            apiVersion: networking.istio.io/v1
            kind: WorkloadEntry
            metadata: {name: reviews-other-ns, namespace: other}
            spec: {address: 10.0.0.9, labels: {app: reviews}}
            """;

    static List<Resource> decode(String yaml) {
        try {
            return Manifests.decode(yaml, "default").stream()
                    .map(d -> ((Manifests.Accepted) d).resource())
                    .toList();
        } catch (Manifests.MalformedException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Map<String, ServiceEndpoints> build(String yaml, List<Workload> workloads,
                                                       EndpointsBuilder.Resolver resolver) {
        return EndpointsBuilder.build(decode(yaml), workloads, resolver);
    }

    /** address → service port → endpoint port, to compare whole endpoint sets at a glance. */
    private static Map<String, Map<Integer, Integer>> ports(ServiceEndpoints s) {
        return s.endpoints().stream().collect(Collectors.toMap(Endpoint::address, Endpoint::ports));
    }

    @Test
    void aServiceSelectsWorkloadEntriesOfItsNamespaceMappingPortsByName() {
        ServiceEndpoints s = build(REVIEWS, List.of(), NO_DNS).get("reviews.shop.svc.cluster.local");
        // port "http" comes from the WorkloadEntry's ports[http]; "grpc" it lacks, so the targetPort
        assertEquals(Map.of("10.0.0.1", Map.of(80, 19080, 81, 9081)), ports(s));
    }

    @Test
    void registeredWorkloadsJoinByLabelOrByNameWithTheirOwnPort() {
        List<Workload> ws = List.of(
                new Workload("reviews", "shop", "127.0.0.1", 9001, 80, Map.of("version", "v1")),
                new Workload("anything", "shop", "127.0.0.2", 9002, 80, Map.of("app", "reviews", "version", "v2")),
                new Workload("reviews", "other", "127.0.0.3", 9003, 80, Map.of()));
        Map<String, ServiceEndpoints> all = build(REVIEWS, ws, NO_DNS);
        ServiceEndpoints s = all.get("reviews.shop.svc.cluster.local");
        assertEquals(Map.of(80, 9001, 81, 9081), ports(s).get("127.0.0.1"));
        assertEquals(Map.of(80, 9002, 81, 9081), ports(s).get("127.0.0.2"));
        assertEquals(3, s.endpoints().size());
        // a workload naming a service no Service object describes forms that service by itself
        assertEquals(Map.of("127.0.0.3", Map.of(80, 9003)), ports(all.get("reviews.other.svc.cluster.local")));
        assertEquals(Map.of("127.0.0.2", Map.of(80, 9002)), ports(all.get("anything.shop.svc.cluster.local")));
    }

    private static String serviceEntry(String resolution, String endpoints) {
        return """
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: ext, namespace: shop}
                spec:
                  hosts: [api.example.test]
                  location: MESH_EXTERNAL
                  resolution: %s
                  ports:
                  - {number: 80, name: http, protocol: http}
                  - {number: 443, name: https, protocol: HTTPS}
                %s
                """.formatted(resolution, endpoints);
    }

    @Test
    void staticServiceEntryPublishesItsEndpointsAndSelectedWorkloadEntries() {
        String yaml = serviceEntry("STATIC", """
                  endpoints:
                  - {address: 192.0.2.1, ports: {http: 8080}}
                  workloadSelector: {labels: {app: ext}}
                """) + """
                ---
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata: {name: vm, namespace: shop}
                spec: {address: 192.0.2.2, ports: {https: 8443}, labels: {app: ext}}
                """;
        ServiceEndpoints s = build(yaml, List.of(), NO_DNS).get("api.example.test");
        assertEquals("MESH_EXTERNAL", s.location());
        assertEquals(Map.of("192.0.2.1", Map.of(80, 8080, 443, 443), "192.0.2.2", Map.of(80, 80, 443, 8443)),
                ports(s));
    }

    /** Locality travels as the topology labels, whichever way the endpoint came. */
    @Test
    void aLocalityFieldBecomesTheTopologyLabels() {
        String yaml = serviceEntry("STATIC", """
                  endpoints:
                  - {address: 192.0.2.1, locality: eu-west/eu-west-1a/rack1, labels: {app: ext}}
                  workloadSelector: {labels: {app: ext}}
                """) + """
                ---
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata: {name: vm, namespace: shop}
                spec: {address: 192.0.2.2, locality: us-east, labels: {app: ext}}
                """;
        Map<String, Map<String, String>> labels = build(yaml, List.of(), NO_DNS).get("api.example.test")
                .endpoints().stream().collect(Collectors.toMap(Endpoint::address, Endpoint::labels));
        assertEquals(Map.of("app", "ext", Locality.REGION, "eu-west", Locality.ZONE, "eu-west-1a",
                Locality.SUBZONE, "rack1"), labels.get("192.0.2.1"));
        assertEquals(Map.of("app", "ext", Locality.REGION, "us-east"), labels.get("192.0.2.2"));
    }

    @Test
    void aNetworkFieldBecomesTheNetworkLabel() {
        String yaml = serviceEntry("STATIC", """
                  endpoints:
                  - {address: 192.0.2.1, network: east, locality: eu-west}
                  workloadSelector: {labels: {app: ext}}
                """) + """
                ---
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata: {name: vm, namespace: shop}
                spec: {address: 192.0.2.2, network: west, labels: {app: ext}}
                """;
        Map<String, Map<String, String>> labels = build(yaml, List.of(), NO_DNS).get("api.example.test")
                .endpoints().stream().collect(Collectors.toMap(Endpoint::address, Endpoint::labels));
        assertEquals(Map.of(Network.LABEL, "east", Locality.REGION, "eu-west"), labels.get("192.0.2.1"));
        assertEquals(Map.of("app", "ext", Network.LABEL, "west"), labels.get("192.0.2.2"));
    }

    @Test
    void aWorkloadEntrysWeightTravelsWithItsEndpointAndNoneMeansOne() {
        String yaml = serviceEntry("STATIC", """
                  endpoints:
                  - {address: 192.0.2.1, weight: 3}
                  workloadSelector: {labels: {app: ext}}
                """) + """
                ---
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata: {name: vm, namespace: shop}
                spec: {address: 192.0.2.2, weight: 2, labels: {app: ext}}
                ---
                apiVersion: networking.istio.io/v1
                kind: WorkloadEntry
                metadata: {name: vm2, namespace: shop}
                spec: {address: 192.0.2.3, labels: {app: ext}}
                """;
        Map<String, Integer> weights = build(yaml, List.of(), NO_DNS).get("api.example.test").endpoints().stream()
                .collect(Collectors.toMap(Endpoint::address, Endpoint::weight));
        assertEquals(Map.of("192.0.2.1", 3, "192.0.2.2", 2, "192.0.2.3", 1), weights);
        // an endpoint stored before weights were kept reads as weight 1
        assertEquals(1, Json.read("{\"address\": \"192.0.2.9\", \"healthy\": true}".getBytes(StandardCharsets.UTF_8),
                Endpoint.class).weight());
    }

    private static final EndpointsBuilder.Resolver TWO_ADDRESSES = ResolveOverrides.parse(List.of(
            "api.example.test 127.0.0.11",
            "api.example.test 127.0.0.12",
            "api.example.test:443 127.0.0.13:9443"), "test")::resolveAll;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // every address a name resolves to, each service port mapped as the resolver says
            "DNS | 127.0.0.11=80:80 127.0.0.12=80:80 127.0.0.13=443:9443",
            // only the first address
            "DNS_ROUND_ROBIN | 127.0.0.11=80:80 127.0.0.13=443:9443",
            // the requested host as-is, resolved when connecting
            "NONE | api.example.test=80:80,443:443",
    })
    void dnsResolutionPublishesResolvedAddresses(String resolution, String expected) {
        ServiceEndpoints s = build(serviceEntry(resolution, ""), List.of(), TWO_ADDRESSES).get("api.example.test");
        assertEquals(expected, describe(s));
    }

    @Test
    void aNameThatDoesNotResolveIsPublishedAsTheName() {
        ServiceEndpoints s = build(serviceEntry("DNS", ""), List.of(), NO_DNS).get("api.example.test");
        assertEquals("api.example.test=80:80,443:443", describe(s));
    }

    @Test
    void dnsEndpointsWithNamesAreResolvedToo() {
        String yaml = serviceEntry("DNS", """
                  endpoints:
                  - {address: api.example.test, labels: {zone: a}}
                """);
        ServiceEndpoints s = build(yaml, List.of(), TWO_ADDRESSES).get("api.example.test");
        assertEquals(3, s.endpoints().size());
        assertTrue(s.endpoints().stream().allMatch(e -> e.labels().equals(Map.of("zone", "a"))));
    }

    private static String describe(ServiceEndpoints s) {
        return s.endpoints().stream()
                .map(e -> e.address() + "=" + e.ports().entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .map(p -> p.getKey() + ":" + p.getValue()).collect(Collectors.joining(",")))
                .sorted().collect(Collectors.joining(" "));
    }

    @Test
    void healthPathsComeFromTheAnnotationOfServicesAndServiceEntries() {
        String yaml = """
                apiVersion: v1
                kind: Service
                metadata: {name: reviews, namespace: shop, annotations: {sluice.io/health-path: /healthz}}
                spec: {ports: [{port: 80}]}
                ---
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: ext, namespace: shop, annotations: {sluice.io/health-path: ready}}
                spec: {hosts: [API.example.test], ports: [{number: 80, name: http}], resolution: STATIC}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: unchecked, namespace: shop}
                spec: {ports: [{port: 80}]}
                """;
        assertEquals(Map.of("reviews.shop.svc.cluster.local", "/healthz", "api.example.test", "/ready"),
                EndpointsBuilder.healthPaths(decode(yaml)));
    }

    /** The registry skips recomputing for changes of other kinds: they must not change any endpoint. */
    @Test
    void endpointsDependOnlyOnTheKindsTheBuilderReadsFrom() {
        String others = """
                ---
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: shop}
                spec: {hosts: [reviews], http: [{route: [{destination: {host: reviews, subset: v1}}]}]}
                ---
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: reviews, namespace: shop}
                spec: {host: reviews, subsets: [{name: v1, labels: {version: v1}}]}
                ---
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: gw, namespace: shop}
                spec: {selector: {istio: ingressgateway}, servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop}
                """;
        List<Resource> extra = decode(others);
        assertTrue(extra.stream().noneMatch(r -> EndpointsBuilder.readsFrom(r.kind())));
        Workload w = new Workload("reviews", "shop", "10.0.0.2", 9080, null, Map.of("app", "reviews"));
        assertEquals(build(REVIEWS, List.of(w), NO_DNS), build(REVIEWS + others, List.of(w), NO_DNS));
    }
}
