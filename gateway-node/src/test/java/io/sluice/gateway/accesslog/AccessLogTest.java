package io.sluice.gateway.accesslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.gateway.proxy.Exchange;
import io.sluice.model.Json;
import io.sluice.routing.Cluster;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class AccessLogTest {

    static final Cluster V1 = new Cluster("envoydummy.chapter4.svc.cluster.local", 80, "v1", "v1", List.of(), false);
    static final Exchange OK = new Exchange(Instant.parse("2026-01-02T03:04:05.678Z"), 12, "GET", "/a?b=c", "HTTP/1.1",
            200, "-", 0, 48, 9, "10.0.0.9", "curl/8.5.0", "7d8a1c4e-1c2b-4a8e-9d3f-0123456789ab", "mockshop.com",
            "127.0.0.1:10000", V1, "127.0.0.1:8080", "127.0.0.1:51234", "chapter4/mockshop#0", null);
    static final Exchange NO_ROUTE = new Exchange(Instant.parse("2026-01-02T03:04:05.678Z"), 0, "POST", "/x",
            "HTTP/1.1", 404, "NR", 5, 0, -1, null, null, null, "other.com", null, null, "127.0.0.1:8080",
            "127.0.0.1:51235", null, null);

    @Test
    void textIsIstiosDefaultFormat() {
        assertEquals("[2026-01-02T03:04:05.678Z] \"GET /a?b=c HTTP/1.1\" 200 - via_upstream - \"-\" 0 48 12 9 "
                + "\"10.0.0.9\" \"curl/8.5.0\" \"7d8a1c4e-1c2b-4a8e-9d3f-0123456789ab\" \"mockshop.com\" "
                + "\"127.0.0.1:10000\" outbound|80|v1|envoydummy.chapter4.svc.cluster.local - 127.0.0.1:8080 "
                + "127.0.0.1:51234 - chapter4/mockshop#0\n", AccessLogFormat.TEXT.format(OK));
        assertEquals("[2026-01-02T03:04:05.678Z] \"POST /x HTTP/1.1\" 404 NR route_not_found - \"-\" 5 0 0 - \"-\" "
                + "\"-\" \"-\" \"other.com\" \"-\" - - 127.0.0.1:8080 127.0.0.1:51235 - -\n",
                AccessLogFormat.TEXT.format(NO_ROUTE));
    }

    @Test
    void jsonHasIstiosKeysAndNullsForMissingValues() throws Exception {
        JsonNode j = Json.MAPPER.readTree(AccessLogFormat.JSON.format(NO_ROUTE));
        assertEquals(404, j.path("response_code").asInt());
        assertEquals("NR", j.path("response_flags").asText());
        assertEquals("route_not_found", j.path("response_code_details").asText());
        assertTrue(j.path("upstream_cluster").isNull());
        assertEquals(5, j.path("bytes_received").asLong());
        JsonNode ok = Json.MAPPER.readTree(AccessLogFormat.JSON.format(OK));
        assertEquals("outbound|80|v1|envoydummy.chapter4.svc.cluster.local", ok.path("upstream_cluster").asText());
        assertEquals("9", ok.path("upstream_service_time").asText());
        assertEquals("/a?b=c", ok.path("path").asText());
        assertEquals(24, ok.size(), "Istio's default JSON has 24 fields");
    }

    @Test
    void jsonEscapesWhatClientsSend() throws Exception {
        Exchange odd = new Exchange(Instant.EPOCH, 0, "GET", "/", "HTTP/1.1", 200, "-", 0, 0, -1, null,
                "evil\"agent\n\u0001", null, "a", null, null, "l", "r", null, null);
        assertEquals("evil\"agent\n\u0001", Json.MAPPER.readTree(AccessLogFormat.JSON.format(odd))
                .path("user_agent").asText());
    }

    @Test
    void writesEveryLineFromItsOwnThread() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (AccessLog log = new AccessLog(AccessLogFormat.TEXT, out)) {
            for (int i = 0; i < 1000; i++) {
                log.completed(OK);
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> log.written() == 1000);
        }
        String text;
        synchronized (out) {
            text = out.toString(StandardCharsets.UTF_8);
        }
        assertEquals(1000, text.lines().count());
        assertTrue(text.lines().allMatch(l -> (l + "\n").equals(AccessLogFormat.TEXT.format(OK))));
    }
}
