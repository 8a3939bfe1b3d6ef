package io.sluice.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.gateway.proxy.Exchange;
import io.sluice.routing.Cluster;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IstioMetricsTest {

    static final Cluster REVIEWS_V2 = new Cluster("reviews.bookinfo.svc.cluster.local", 9080, "v2", "v2", List.of(),
            false);

    static Exchange exchange(Cluster cluster, int code, String flags, long millis, long in, long out) {
        return new Exchange(Instant.EPOCH, millis, "GET", "/", "HTTP/1.1", code, flags, in, out, -1, null, null,
                null, "a", null, cluster, "127.0.0.1:80", "127.0.0.1:5000", null, null);
    }

    @Test
    void aGrpcCallIsCountedWithItsStatusAndTheGrpcProtocol() {
        IstioMetrics m = new IstioMetrics("istio-ingressgateway");
        m.completed(new Exchange(Instant.EPOCH, 1, "POST", "/shop.Cart/Get", "HTTP/2.0", 200, "-", 5, 0, 1, null,
                null, null, "a", null, REVIEWS_V2, "127.0.0.1:80", "127.0.0.1:5000", null, "5"));
        StringBuilder out = new StringBuilder();
        m.write(out);
        assertTrue(out.toString().contains("response_code=\"200\",grpc_response_status=\"5\",response_flags=\"-\","
                + "request_protocol=\"grpc\"} 1\n"), out::toString);
    }

    @Test
    void oneSeriesPerLabelTupleWithIstiosLabels() {
        IstioMetrics m = new IstioMetrics("istio-ingressgateway");
        m.completed(exchange(REVIEWS_V2, 200, "-", 3, 0, 10));
        m.completed(exchange(REVIEWS_V2, 200, "-", 7, 0, 10));
        m.completed(exchange(REVIEWS_V2, 503, "UH", 1, 0, 19));
        m.completed(exchange(null, 404, "NR", 0, 0, 0));
        StringBuilder out = new StringBuilder();
        m.write(out);
        String text = out.toString();
        assertTrue(text.contains("istio_requests_total{reporter=\"source\",source_workload=\"istio-ingressgateway\","
                + "destination_service=\"reviews.bookinfo.svc.cluster.local\",destination_service_name=\"reviews\","
                + "destination_service_namespace=\"bookinfo\",destination_version=\"v2\",response_code=\"200\","
                + "grpc_response_status=\"\",response_flags=\"-\",request_protocol=\"http\"} 2\n"), text);
        assertTrue(text.contains("response_code=\"503\",grpc_response_status=\"\",response_flags=\"UH\","
                + "request_protocol=\"http\"} 1\n"), text);
        assertTrue(text.contains("destination_service=\"unknown\",destination_service_name=\"unknown\","
                + "destination_service_namespace=\"unknown\",destination_version=\"unknown\",response_code=\"404\","
                + "grpc_response_status=\"\",response_flags=\"NR\""), text);
        assertEquals(3, text.lines().filter(l -> l.startsWith("istio_requests_total{")).count());
    }

    @Test
    void durationHistogramIsCumulativeWithSumAndCount() {
        IstioMetrics m = new IstioMetrics("gw");
        m.completed(exchange(REVIEWS_V2, 200, "-", 3, 0, 10));
        m.completed(exchange(REVIEWS_V2, 200, "-", 7, 0, 10));
        m.completed(exchange(REVIEWS_V2, 200, "-", 70_000, 0, 10));
        StringBuilder out = new StringBuilder();
        m.write(out);
        String text = out.toString();
        assertTrue(text.contains("le=\"1\"} 0\n"), text);
        assertTrue(text.contains("le=\"5\"} 1\n"), text);
        assertTrue(text.contains("le=\"10\"} 2\n"), text);
        assertTrue(text.contains("le=\"60000\"} 2\n"), text);
        assertTrue(text.contains("le=\"300000\"} 3\n"), text);
        assertTrue(text.contains("le=\"+Inf\"} 3\n"), text);
        assertTrue(text.contains("istio_request_duration_milliseconds_sum{"), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("istio_request_duration_milliseconds_sum{")
                && l.endsWith("} 70010")), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("istio_response_bytes_count{") && l.endsWith("} 3")), text);
    }

    @ParameterizedTest
    @CsvSource({
            "reviews.bookinfo.svc.cluster.local, reviews, bookinfo",
            "httpbin.org, httpbin.org, unknown",
            "unknown, unknown, unknown",
    })
    void serviceNameAndNamespaceComeFromTheHost(String host, String name, String namespace) {
        assertEquals(name, IstioMetrics.serviceName(host));
        assertEquals(namespace, IstioMetrics.serviceNamespace(host));
    }

    @Test
    void labelValuesAreEscaped() {
        StringBuilder sb = new StringBuilder();
        PrometheusText.label(sb, "a", "x\"y\\z\nw");
        assertEquals("a=\"x\\\"y\\\\z\\nw\"", sb.toString());
    }

    @Test
    void relayedTcpStreamsCountOpensClosesAndBytesEachWay() {
        IstioMetrics m = new IstioMetrics("istio-ingressgateway");
        var first = m.opened("tcp-echo.tcp.svc.cluster.local", "v1", "-");
        first.received(5);
        first.sent(12);
        m.opened("tcp-echo.tcp.svc.cluster.local", "v1", "-").received(1);
        first.closed();
        m.opened("unknown", "unknown", "NR").closed();
        StringBuilder out = new StringBuilder();
        m.write(out);
        String text = out.toString();
        String echo = "{reporter=\"source\",source_workload=\"istio-ingressgateway\","
                + "destination_service=\"tcp-echo.tcp.svc.cluster.local\",destination_service_name=\"tcp-echo\","
                + "destination_service_namespace=\"tcp\",destination_version=\"v1\",response_flags=\"-\","
                + "request_protocol=\"tcp\"} ";
        assertTrue(text.contains("istio_tcp_connections_opened_total" + echo + "2\n"), text);
        assertTrue(text.contains("istio_tcp_connections_closed_total" + echo + "1\n"), text);
        assertTrue(text.contains("istio_tcp_received_bytes_total" + echo + "6\n"), text);
        assertTrue(text.contains("istio_tcp_sent_bytes_total" + echo + "12\n"), text);
        assertTrue(text.contains("destination_version=\"unknown\",response_flags=\"NR\",request_protocol=\"tcp\"} 1\n"),
                text);
        assertTrue(text.contains("# TYPE istio_tcp_sent_bytes_total counter\n"), text);
    }
}
