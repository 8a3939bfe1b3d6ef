package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.gateway.accesslog.AccessLog;
import io.sluice.gateway.accesslog.AccessLogFormat;
import io.sluice.model.Json;
import io.sluice.testing.BookFiles;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees of the book's 10/90 canary: Istio's request metrics on the node's status port,
 * one access-log line per request in Istio's text format, and the node's served revision in
 * config-service's {@code /status}.
 */
class ObservabilityEndToEndTest {

    static final int REQUESTS = 1000;
    static final Pattern SERIES = Pattern.compile("^istio_requests_total\\{(.*)} (\\d+)$", Pattern.MULTILINE);
    /** Istio's default text format, field by field. */
    static final Pattern TEXT_LINE = Pattern.compile("^\\[\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z] "
            + "\"GET / HTTP/1\\.1\" 200 - via_upstream - \"-\" 0 (48|72) \\d+ \\d+ \"[^\"]+\" \"[^\"]*\" \"[-0-9a-f]{36}\" "
            + "\"mockshop\\.com\" \"127\\.0\\.0\\.1:\\d+\" outbound\\|80\\|v[12]\\|envoydummy\\.chapter4\\.svc\\.cluster\\.local - "
            + "127\\.0\\.0\\.1:\\d+ 127\\.0\\.0\\.1:\\d+ - chapter4/mockshop#0$", Pattern.MULTILINE);

    static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    static SluiceCluster cluster;
    static int v1Responses;

    @BeforeAll
    static void start() {
        OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (LOG) {
                    LOG.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (LOG) {
                    LOG.write(b, off, len);
                }
            }
        };
        cluster = new SluiceCluster("observability", new AccessLog(AccessLogFormat.TEXT, sink));
        cluster.backend(CanaryEndToEndTest.V1, "envoydummy", "chapter4", "version", "v1");
        cluster.backend(CanaryEndToEndTest.V2, "envoydummy", "chapter4", "version", "v2");
        for (String f : new String[] {"01-envoy-proxy.yaml", "02-envoy-proxy.yaml", "4a-istio-gateway.yaml"}) {
            HttpResponse<String> res = cluster.apply(BookFiles.read(f));
            assertEquals(200, res.statusCode(), f + ": " + res.body());
        }
        // wait without traffic, so the metrics count exactly the run below
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> cluster.gateway.localPort(80) > 0
                && cluster.gateway.routes().current().clusters().values().stream()
                .filter(c -> c.host().startsWith("envoydummy.")).allMatch(c -> c.endpoints().size() == 1)
                && cluster.gateway.routes().current().clusters().size() == 2);
        for (int i = 0; i < REQUESTS; i++) {
            HttpResponse<String> res = cluster.get("mockshop.com", "/");
            assertEquals(200, res.statusCode());
            v1Responses += res.body().equals(CanaryEndToEndTest.V1) ? 1 : 0;
        }
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    static String scrape(String path) {
        HttpResponse<String> res = SluiceCluster.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + cluster.gateway.statusPort() + path)).build());
        assertEquals(200, res.statusCode());
        assertTrue(res.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"));
        return res.body();
    }

    static long requests(String text, String version) {
        long total = 0;
        Matcher m = SERIES.matcher(text);
        while (m.find()) {
            if (m.group(1).contains("destination_version=\"" + version + "\"")) {
                total += Long.parseLong(m.group(2));
            }
        }
        return total;
    }

    @Test
    void prometheusShowsTheTenNinetySplitByDestinationVersion() {
        String text = scrape("/stats/prometheus");
        long v1 = requests(text, "v1");
        long v2 = requests(text, "v2");
        assertEquals(REQUESTS, v1 + v2, text);
        assertEquals(v1Responses, v1, "the metric counts what the clients saw");
        double share = v1 / (double) REQUESTS;
        assertTrue(share >= 0.07 && share <= 0.13, "v1 share " + share);
        assertTrue(text.contains("istio_requests_total{reporter=\"source\",source_workload=\"istio-ingressgateway\","
                + "destination_service=\"envoydummy.chapter4.svc.cluster.local\",destination_service_name=\"envoydummy\","
                + "destination_service_namespace=\"chapter4\",destination_version=\"v2\",response_code=\"200\","
                + "grpc_response_status=\"\",response_flags=\"-\",request_protocol=\"http\"} " + v2), text);
        assertEquals(scrape("/metrics").lines().filter(l -> l.startsWith("istio_")).count(),
                text.lines().filter(l -> l.startsWith("istio_")).count(), "/metrics serves the same");
    }

    @Test
    void histogramsCountEveryRequestAndItsBytes() {
        String text = scrape("/stats/prometheus");
        Matcher count = Pattern.compile("^istio_request_duration_milliseconds_count\\{.*destination_version=\"v1\".*} (\\d+)$",
                Pattern.MULTILINE).matcher(text);
        assertTrue(count.find(), text);
        assertEquals(requests(text, "v1"), Long.parseLong(count.group(1)));
        Matcher bytes = Pattern.compile("^istio_response_bytes_sum\\{.*destination_version=\"v1\".*} (\\d+)$",
                Pattern.MULTILINE).matcher(text);
        assertTrue(bytes.find(), text);
        assertEquals(48 * requests(text, "v1"), Long.parseLong(bytes.group(1)), "V1-body is 48 bytes");
        assertTrue(text.contains("istio_request_duration_milliseconds_bucket{"), text);
        assertTrue(text.contains("le=\"+Inf\""), text);
    }

    @Test
    void jvmAndKafkaConsumerMetricsAreThere() {
        String text = scrape("/stats/prometheus");
        assertTrue(text.contains("\njvm_memory_bytes_used{area=\"heap\"} "), text);
        assertTrue(Pattern.compile("^kafka_consumer_fetch_manager_records_consumed_total\\{client_id=\"sluice-gateway-ingress-test-config\"} \\d+",
                Pattern.MULTILINE).matcher(text).find(), text);
        assertTrue(text.contains("\nsluice_route_compile_failures_total 0\n"), text);
    }

    @Test
    void accessLogHasOneIstioTextLinePerRequest() {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> lines() >= REQUESTS);
        String log;
        synchronized (LOG) {
            log = LOG.toString(StandardCharsets.UTF_8);
        }
        assertEquals(REQUESTS, log.lines().count(), log.lines().findFirst().orElse(""));
        assertEquals(REQUESTS, TEXT_LINE.matcher(log).results().count(), log.lines().findFirst().orElse(""));
    }

    @Test
    void configServiceReportsTheRevisionTheNodeServes() throws Exception {
        long served = cluster.gateway.routes().current().configRevision();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            JsonNode s = Json.MAPPER.readTree(SluiceCluster.send(HttpRequest.newBuilder(
                    URI.create(cluster.configUrl() + "/status")).build()).body());
            return s.path("nodes").size() == 1
                    && s.path("nodes").get(0).path("configRevision").asLong() == served
                    && s.path("configRevision").asLong() == served;
        });
        JsonNode node = Json.MAPPER.readTree(SluiceCluster.send(HttpRequest.newBuilder(
                URI.create(cluster.configUrl() + "/status")).build()).body()).path("nodes").get(0);
        assertEquals("ingress-test", node.path("node").asText());
        assertEquals("ingress", node.path("role").asText());
        assertEquals("127.0.0.1:" + cluster.gateway.statusPort(), node.path("statusAddress").asText());
        assertTrue(node.path("appliedAt").asText().matches("\\d{4}-.*Z"), node.toString());
    }

    static long lines() {
        synchronized (LOG) {
            return LOG.toString(StandardCharsets.UTF_8).lines().count();
        }
    }
}
