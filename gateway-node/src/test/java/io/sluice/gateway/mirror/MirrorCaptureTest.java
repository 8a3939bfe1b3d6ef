package io.sluice.gateway.mirror;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.upstream.HeaderList;
import io.sluice.model.mirror.MirrorRecord;
import io.sluice.routing.Cluster;
import io.sluice.routing.RouteAction.MirrorTarget;
import io.sluice.routing.Upstream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MirrorCaptureTest {

    private static final Cluster SHADOW = new Cluster("nginxdummy.chapter4.svc.cluster.local", 80, "v2", "v1",
            List.of(new Upstream("127.0.0.1", 9000, Map.of())), false);
    private static final Cluster PRIMARY = new Cluster("envoydummy.chapter4.svc.cluster.local", 80, "v1", "v1",
            List.of(new Upstream("127.0.0.1", 9001, Map.of())), false);

    private final List<MirrorRecord.Request> published = new ArrayList<>();

    private MirrorTap tap(MirrorSettings settings) {
        return new MirrorTap(null, published::add, "ingress-1", settings);
    }

    @ParameterizedTest(name = "{0}% with draw {1} -> {2}")
    @CsvSource({
            "100, 0, true", "100, 99.999, true",
            "25, 0, true", "25, 24.999, true", "25, 25, false", "25, 99.9, false",
            "0.5, 0.49, true", "0.5, 0.5, false",
            "0, 0, false"})
    void aTargetTakesItsPercentageOfDraws(double percent, double draw, boolean expected) {
        assertEquals(expected, MirrorTap.selected(new MirrorTarget(SHADOW, percent), draw));
    }

    @Test
    void twentyFivePercentTakesAQuarterOfUniformDraws() {
        MirrorTarget t = new MirrorTarget(SHADOW, 25);
        long taken = IntStream.range(0, 10_000).filter(i -> MirrorTap.selected(t, i / 100.0)).count();
        assertEquals(2_500, taken);
    }

    @Test
    void unmirroredRequestsPassStreamsThroughUntouched() {
        MirrorCapture c = tap(MirrorSettings.defaults()).begin("chapter4/mockshop#0",
                List.of(new MirrorTarget(SHADOW, 0)), "GET", "/", headers(), PRIMARY);
        assertSame(MirrorCapture.NONE, c);
        InputStream in = new ByteArrayInputStream(new byte[1]);
        assertSame(in, c.requestBody(in));
        c.finish(null);
        assertTrue(published.isEmpty());
        assertSame(MirrorCapture.NONE, MirrorTap.disabled().begin("r", List.of(new MirrorTarget(SHADOW, 100)),
                "GET", "/", headers(), PRIMARY));
    }

    @Test
    void recordsRequestAndPrimaryAnswerAsTheyStream() throws IOException {
        MirrorCapture c = tap(MirrorSettings.defaults().withBodyCap(8)).begin("chapter4/mockshop#0",
                List.of(new MirrorTarget(SHADOW, 100), new MirrorTarget(PRIMARY, 100)), "POST", "/cart?x=1",
                headers(), PRIMARY);
        byte[] body = "0123456789abcdefghij".getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream upstream = new ByteArrayOutputStream();
        try (InputStream in = c.requestBody(new ByteArrayInputStream(body))) {
            in.transferTo(upstream);
        }
        assertArrayEquals(body, upstream.toByteArray(), "the primary gets the whole body");
        HeaderList response = new HeaderList().add("Content-Type", "text/plain").add("x-other", "not kept");
        c.primary(200, response);
        ByteArrayOutputStream client = new ByteArrayOutputStream();
        try (OutputStream out = c.responseBody(client)) {
            out.write("hel".getBytes(StandardCharsets.UTF_8));
            out.write('l');
            out.write("o".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals("hello", client.toString(StandardCharsets.UTF_8));
        c.finish(null);
        c.finish(null);

        assertEquals(2, published.size(), "one copy per chosen target, once");
        MirrorRecord.Request r = published.getFirst();
        assertEquals("req-1", r.id());
        assertEquals("ingress-1", r.node());
        assertEquals("chapter4/mockshop#0", r.route());
        assertEquals("chapter4/mockshop", r.virtualService());
        assertEquals("POST", r.method());
        assertEquals("mockshop.com", r.authority());
        assertEquals("/cart?x=1", r.path());
        assertEquals("01234567", new String(r.body(), StandardCharsets.UTF_8));
        assertEquals(20, r.bodySize());
        assertTrue(r.bodyTruncated());
        assertEquals(new MirrorRecord.Target("nginxdummy.chapter4.svc.cluster.local", "v2", 80), r.mirror());
        assertEquals(new MirrorRecord.Target("envoydummy.chapter4.svc.cluster.local", "v1", 80), r.primaryTarget());
        assertEquals("v1", published.get(1).mirror().subset());
        assertEquals(200, r.primary().status());
        assertEquals(Map.of("content-type", "text/plain"), r.primary().headers());
        assertEquals("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", r.primary().bodySha256());
        assertEquals(5, r.primary().bodySize());
    }

    @Test
    void redactsSensitiveHeadersByDefaultAndAsConfigured() {
        tap(MirrorSettings.defaults()).begin("r", List.of(new MirrorTarget(SHADOW, 100)), "GET", "/", headers(),
                PRIMARY).finish(null);
        tap(MirrorSettings.defaults().withRedactedHeaders(java.util.Set.of("X-Api-Key"))).begin("r",
                List.of(new MirrorTarget(SHADOW, 100)), "GET", "/", headers(), PRIMARY).finish(null);
        Map<String, String> byDefault = values(published.get(0));
        assertEquals(MirrorRecord.Request.REDACTED, byDefault.get("authorization"));
        assertEquals(MirrorRecord.Request.REDACTED, byDefault.get("cookie"));
        assertEquals("k", byDefault.get("x-api-key"));
        assertEquals("10.0.0.9", byDefault.get("x-forwarded-for"));
        Map<String, String> configured = values(published.get(1));
        assertEquals("Bearer secret", configured.get("authorization"));
        assertEquals(MirrorRecord.Request.REDACTED, configured.get("x-api-key"));
        assertFalse(published.get(0).bodyTruncated());
        assertEquals(0, published.get(0).primary().status(), "no answer from the primary");
    }

    private static Map<String, String> values(MirrorRecord.Request r) {
        Map<String, String> m = new java.util.HashMap<>();
        r.headers().forEach(h -> m.put(h.name().toLowerCase(java.util.Locale.ROOT), h.value()));
        return m;
    }

    private static HeaderList headers() {
        return new HeaderList().add("host", "mockshop.com").add("x-request-id", "req-1")
                .add("Authorization", "Bearer secret").add("Cookie", "session=1").add("x-api-key", "k")
                .add("X-Forwarded-For", "10.0.0.9");
    }
}
