package io.sluice.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.model.mirror.MirrorRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComparisonTest {

    private static final JsonDiff NO_IGNORE = new JsonDiff(List.of());

    @Test
    void sameAnswerIsSame() {
        Outcome o = Comparison.compare(record("hello", "text/plain"), answer(200, "hello", "text/plain"), NO_IGNORE, null);
        assertTrue(o.same());
        assertNull(o.sample());
        assertEquals(7, o.primaryLatencyMs());
        assertEquals(3, o.shadowLatencyMs());
    }

    @Test
    void statusHeaderAndBodyDifferencesAreEachCounted() {
        Outcome o = Comparison.compare(record("hello", "text/plain"), answer(503, "no", "text/html"), NO_IGNORE, null);
        assertFalse(o.statusSame());
        assertFalse(o.headersSame());
        assertFalse(o.bodySame());
        List<String> d = o.sample().differences();
        assertEquals("status: 200 -> 503", d.get(0));
        assertEquals("header content-type: text/plain -> text/html", d.get(1));
        assertTrue(d.get(2).startsWith("body sha256 2cf24dba5fb0 (5 B) -> "), d.get(2));
    }

    @Test
    void aGrpcCallWhoseStatusDiffersIsADifferentStatusThoughBothAnswered200() {
        MirrorRecord.Request r = record("", "application/grpc");
        r = new MirrorRecord.Request(r.id(), r.time(), r.node(), r.route(), "POST", r.authority(), "/shop.Cart/Add",
                r.headers(), r.body(), 0, false, r.mirror(), r.primaryTarget(),
                new MirrorRecord.Primary(200, "0", r.primary().headers(), sha(""), 0, 7));
        Replayer.Response notFound = new Replayer.Response(200, "5", Map.of("content-type", "application/grpc"),
                sha(""), 0, new byte[0], 3, null);
        Outcome o = Comparison.compare(r, notFound, NO_IGNORE, null);
        assertFalse(o.statusSame());
        assertEquals(List.of("grpc-status: 0 -> 5"), o.sample().differences());

        Replayer.Response ok = new Replayer.Response(200, "0", Map.of("content-type", "application/grpc"),
                sha(""), 0, new byte[0], 3, null);
        assertTrue(Comparison.compare(r, ok, NO_IGNORE, null).same());
    }

    @Test
    void jsonBodiesAreDiffedFieldByFieldWithoutThePrimarysOwnNoise() {
        String primary = "{\"name\":\"sock\",\"price\":10,\"served\":\"t1\"}";
        Deque<String> primaryAgain = new ArrayDeque<>(List.of(
                "{\"name\":\"sock\",\"price\":10,\"served\":\"t2\"}",
                "{\"name\":\"sock\",\"price\":10,\"served\":\"t3\"}"));
        Outcome o = Comparison.compare(record(primary, "application/json"),
                answer(200, "{\"name\":\"sock\",\"price\":12,\"served\":\"t4\"}", "application/json"), NO_IGNORE,
                () -> answer(200, primaryAgain.pop(), "application/json"));
        assertFalse(o.bodySame());
        assertEquals(List.of("body /price: 10 -> 12"), o.sample().differences());
        assertEquals(List.of("/served"), o.sample().noisyFields());
    }

    @Test
    void onlyNoisyOrIgnoredFieldsDifferingCountsAsSame() {
        String primary = "{\"id\":1,\"at\":\"t1\",\"trace\":\"a\"}";
        Deque<String> again = new ArrayDeque<>(List.of("{\"id\":1,\"at\":\"t2\",\"trace\":\"a\"}",
                "{\"id\":1,\"at\":\"t3\",\"trace\":\"a\"}"));
        Outcome o = Comparison.compare(record(primary, "application/json"),
                answer(200, "{\"id\":1,\"at\":\"t9\",\"trace\":\"b\"}", "application/json"),
                new JsonDiff(List.of("trace")), () -> answer(200, again.pop(), "application/json"));
        assertTrue(o.bodySame());
        assertTrue(o.same());
    }

    @Test
    void withoutAskingThePrimaryJsonFallsBackToTheHash() {
        Outcome o = Comparison.compare(record("{\"a\":1}", "application/json"),
                answer(200, "{\"a\":2}", "application/json"), NO_IGNORE, null);
        assertFalse(o.bodySame());
        assertTrue(o.sample().differences().getFirst().startsWith("body sha256 "));
    }

    static MirrorRecord.Request record(String primaryBody, String contentType) {
        return new MirrorRecord.Request("id-1", 1_000, "node", "chapter4/mockshop#0", "GET", "mockshop.com", "/",
                List.of(), new byte[0], 0, false, new MirrorRecord.Target("nginxdummy.chapter4.svc.cluster.local", "v2", 80),
                new MirrorRecord.Target("envoydummy.chapter4.svc.cluster.local", "v1", 80),
                new MirrorRecord.Primary(200, null, Map.of("content-type", contentType), sha(primaryBody),
                        primaryBody.length(), 7));
    }

    static Replayer.Response answer(int status, String body, String contentType) {
        return new Replayer.Response(status, null, Map.of("content-type", contentType), sha(body), body.length(),
                body.getBytes(StandardCharsets.UTF_8), 3, null);
    }

    static String sha(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
