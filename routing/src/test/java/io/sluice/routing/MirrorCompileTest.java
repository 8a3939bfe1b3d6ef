package io.sluice.routing;

import static io.sluice.routing.TestSnapshots.apply;
import static io.sluice.routing.TestSnapshots.book;
import static io.sluice.routing.TestSnapshots.endpoint;
import static io.sluice.routing.TestSnapshots.ingressTable;
import static io.sluice.routing.TestSnapshots.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.model.registry.ServiceEndpoints;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** VirtualService mirror, mirrorPercentage and mirrors[] compile into the Forward's mirror targets. */
class MirrorCompileTest {

    private static final ServiceEndpoints ENVOYDUMMY = service("envoydummy", "chapter4", 80,
            endpoint("10.0.1.1", 10000, "version", "v1"), endpoint("10.0.1.2", 10001, "version", "v2"));
    private static final ServiceEndpoints NGINX = service("nginxdummy", "chapter4", 80,
            endpoint("10.0.2.1", 8080, "name", "nginxdummy", "version", "v1"));

    private static RouteAction.Forward mockshop(String yaml) {
        RouteTable table = ingressTable(apply(yaml), ENVOYDUMMY, NGINX);
        return (RouteAction.Forward) TestSnapshots.route(table, TestRequest.get("mockshop.com", "/")).action();
    }

    @Test
    void file4bMirrorsEverythingToTheNginxSubsetThatSelectsVersionV1() {
        RouteAction.Forward f = mockshop(book("4b-istio-gateway.yaml"));
        assertEquals(1, f.mirrors().size());
        RouteAction.MirrorTarget m = f.mirrors().getFirst();
        assertEquals(100.0, m.percent());
        assertEquals("outbound|80|v2|nginxdummy.chapter4.svc.cluster.local", m.cluster().name());
        assertEquals(List.of("10.0.2.1:8080"), m.cluster().endpoints().stream().map(Upstream::authority).toList());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            mirrorPercentage absent means 100 | mirror: {host: nginxdummy, subset: v2}                                       | 100.0
            mirrorPercentage 25               | 'mirror: {host: nginxdummy, subset: v2}\n    mirrorPercentage: {value: 25}'  | 25.0
            mirrorPercentage 0.5              | 'mirror: {host: nginxdummy, subset: v2}\n    mirrorPercentage: {value: 0.5}' | 0.5
            deprecated mirrorPercent 30       | 'mirror: {host: nginxdummy, subset: v2}\n    mirrorPercent: 30'              | 30.0
            mirrorPercentage wins over it     | 'mirror: {host: nginxdummy, subset: v2}\n    mirrorPercent: 30\n    mirrorPercentage: {value: 5}' | 5.0
            """)
    void mirrorPercentageDefaultsToAHundred(String name, String mirror, double expected) {
        RouteAction.Forward f = mockshop(vs(mirror.replace("\\n", "\n")));
        assertEquals(expected, f.mirrors().getFirst().percent());
    }

    @Test
    void mirrorsListKeepsEachTargetsOwnPercentage() {
        RouteAction.Forward f = mockshop(vs("""
                mirrors:
                    - destination: {host: nginxdummy, subset: v2}
                      percentage: {value: 10}
                    - destination: {host: envoydummy, subset: v2, port: {number: 80}}"""));
        assertEquals(2, f.mirrors().size());
        assertEquals(10.0, f.mirrors().get(0).percent());
        assertEquals("nginxdummy.chapter4.svc.cluster.local", f.mirrors().get(0).cluster().host());
        assertEquals(100.0, f.mirrors().get(1).percent());
        assertEquals("v2", f.mirrors().get(1).cluster().subset());
    }

    @Test
    void resolverFindsTheSameEndpointsAsTheCompiler() {
        var snapshot = TestSnapshots.snapshot(apply(book("4b-istio-gateway.yaml")), ENVOYDUMMY, NGINX);
        DestinationResolver resolver = DestinationResolver.of(snapshot);
        Cluster byFqdn = resolver.resolve("nginxdummy.chapter4.svc.cluster.local", "v2", 80, "other");
        Cluster byShortName = resolver.resolve("nginxdummy", "v2", 80, "chapter4");
        assertEquals(List.of("10.0.2.1:8080"), byFqdn.endpoints().stream().map(Upstream::authority).toList());
        assertEquals(byFqdn, byShortName);
        assertTrue(resolver.resolve("nginxdummy", "v9", 80, "chapter4").endpoints().isEmpty(),
                "an undefined subset has no endpoints");
        assertEquals(2, resolver.resolve("envoydummy", null, 80, "chapter4").endpoints().size());
    }

    private static String vs(String mirror) {
        return book("4b-istio-gateway.yaml").replaceFirst("(?s)    mirror:.*?value: 100.0\n", "    " + mirror + "\n");
    }
}
