package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.gateway.GatewayNode;
import io.sluice.routing.NodeIdentity;
import io.sluice.testing.BookFiles;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A gateway port that another process holds when the table first wants it (an old node still
 * draining, a stray server) opens by itself once freed: no restart, no config change.
 */
class PortHeldElsewhereTest {

    @Test
    void aGatewayPortHeldByAnotherSocketOpensOnceItIsFreed() throws Exception {
        try (SluiceCluster cluster = new SluiceCluster("port-held");
             ServerSocket squatter = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = squatter.getLocalPort();
            cluster.backend(CanaryEndToEndTest.V1, "envoydummy", "chapter4", "version", "v1");
            GatewayNode late = cluster.startNode(NodeIdentity.ingress("ingress-late"), p -> p == 80 ? port : 0);
            cluster.applyOk(BookFiles.read("01-envoy-proxy.yaml"));
            cluster.applyOk(BookFiles.read("3-istio-gateway.yaml"));
            Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> cluster.get("mockshop.com", "/").statusCode() == 200);
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> late.routes().current().ports().contains(80));
            assertEquals(-1, late.localPort(80), "the port is held by the test's socket");
            assertEquals("1", unboundPorts(late), "an operator sees it");

            squatter.close();
            Awaitility.await("port 80 opened after the squatter left").atMost(Duration.ofSeconds(15))
                    .until(() -> late.localPort(80) == port);
            HttpResponse<String> res = SluiceCluster.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/")).header("Host", "mockshop.com").build());
            assertEquals(200, res.statusCode());
            assertEquals(CanaryEndToEndTest.V1, res.body());
            assertEquals("0", unboundPorts(late));
        }
    }

    private static String unboundPorts(GatewayNode node) {
        String metrics = SluiceCluster.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + node.statusPort() + "/metrics")).build()).body();
        return metrics.lines().filter(l -> l.startsWith("sluice_gateway_ports_unbound "))
                .map(l -> l.substring(l.indexOf(' ') + 1)).findFirst().orElse(metrics);
    }
}
