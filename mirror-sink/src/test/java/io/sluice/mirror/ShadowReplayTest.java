package io.sluice.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.model.mirror.MirrorRecord;
import io.sluice.routing.ConfigSnapshot;
import io.sluice.routing.DestinationResolver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** What the sink does with each kind of record before any socket is opened. */
class ShadowReplayTest {

    private static final ShadowDirectory.View EMPTY = new ShadowDirectory.View(
            DestinationResolver.of(new ConfigSnapshot(List.of(), 0, Map.of(), 0)), Set.of());

    private static ShadowReplay replay(boolean unsafe) {
        return new ShadowReplay(new Replayer(Duration.ofSeconds(1)), SinkSettings.defaults().withReplayUnsafe(unsafe));
    }

    @Test
    void dropCountsBecomeOneOutcomePerRoute() {
        List<Outcome> out = replay(false).process(new MirrorRecord.Drops(5, "n", Map.of("a/b#0", 3L, "c/d#1", 4L)), EMPTY);
        assertEquals(Map.of("a/b#0", 3L, "c/d#1", 4L),
                Map.of(out.get(0).route(), out.get(0).dropped(), out.get(1).route(), out.get(1).dropped()));
        assertTrue(out.stream().noneMatch(Outcome::mirrored));
    }

    @ParameterizedTest(name = "{0} sink flag {1}, annotated {2} -> {3}")
    @CsvSource({
            "GET,    false, false, no endpoint for outbound|80|v2|nginxdummy.chapter4.svc.cluster.local",
            "HEAD,   false, false, no endpoint for outbound|80|v2|nginxdummy.chapter4.svc.cluster.local",
            "POST,   false, false, POST is not replayed without sluice.io/mirror-replay-unsafe on chapter4/mockshop",
            "PUT,    false, false, PUT is not replayed without sluice.io/mirror-replay-unsafe on chapter4/mockshop",
            "PATCH,  false, false, PATCH is not replayed without sluice.io/mirror-replay-unsafe on chapter4/mockshop",
            "DELETE, false, false, DELETE is not replayed without sluice.io/mirror-replay-unsafe on chapter4/mockshop",
            "POST,   true,  false, no endpoint for outbound|80|v2|nginxdummy.chapter4.svc.cluster.local",
            "DELETE, false, true,  no endpoint for outbound|80|v2|nginxdummy.chapter4.svc.cluster.local"})
    void nonIdempotentMethodsNeedTheSinkFlagOrTheVirtualServiceAnnotation(String method, boolean flag,
                                                                          boolean annotated, String reason) {
        ShadowDirectory.View view = new ShadowDirectory.View(EMPTY.resolver(),
                annotated ? Set.of("chapter4/mockshop") : Set.of());
        Outcome o = replay(flag).process(request(method, false), view).getFirst();
        assertTrue(o.mirrored());
        assertFalse(o.replayed());
        assertEquals(reason, o.skipped());
    }

    @Test
    void truncatedBodiesAreNotReplayed() {
        Outcome o = replay(true).process(request("POST", true), EMPTY).getFirst();
        assertEquals("request body truncated at 2 bytes", o.skipped());
    }

    private static MirrorRecord.Request request(String method, boolean truncated) {
        return new MirrorRecord.Request("id", 1, "n", "chapter4/mockshop#0", method, "mockshop.com", "/", List.of(),
                new byte[2], truncated ? 10 : 2, truncated,
                new MirrorRecord.Target("nginxdummy.chapter4.svc.cluster.local", "v2", 80),
                new MirrorRecord.Target("envoydummy.chapter4.svc.cluster.local", "v1", 80),
                new MirrorRecord.Primary(200, null, Map.of(), "", 0, 1));
    }
}
