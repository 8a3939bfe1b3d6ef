package io.sluice.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The report topology, driven without a broker by Kafka's TopologyTestDriver. */
class ReportTopologyTest {

    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final String ROUTE = "chapter4/mockshop#0";

    private TopologyTestDriver driver;
    private TestInputTopic<String, Outcome> outcomes;

    @BeforeEach
    void start() {
        StreamsBuilder builder = new StreamsBuilder();
        ReportTopology.build(builder, "outcomes", Duration.ofMinutes(1));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "report-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(builder.build(), p);
        outcomes = driver.createInputTopic("outcomes", new StringSerializer(),
                JsonSerde.of(Outcome.class).serializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void countsEachKindOfOutcomePerRouteAndWindow() {
        Outcome.Sample diff = new Outcome.Sample("id-3", "GET", "mockshop.com", "/", 200, 500,
                List.of("status: 200 -> 500"), List.of());
        pipe(ROUTE, 1, new Outcome(ROUTE, 0, 0, true, null, true, true, true, 4, 6, null));
        pipe(ROUTE, 2, new Outcome(ROUTE, 0, 0, true, null, true, true, true, 2, 4, null));
        pipe(ROUTE, 3, new Outcome(ROUTE, 0, 0, true, null, false, true, false, 6, 20, diff));
        pipe(ROUTE, 4, Outcome.skipped(ROUTE, 0, "POST is not replayed"));
        pipe(ROUTE, 5, Outcome.drops(ROUTE, 0, 7));
        pipe("other/vs#0", 6, new Outcome("other/vs#0", 0, 0, true, null, true, true, true, 1, 1, null));
        pipe(ROUTE, 61, new Outcome(ROUTE, 0, 0, true, null, true, true, true, 1, 1, null));

        RouteStats first = stats(ROUTE, 0);
        assertEquals(4, first.mirrored());
        assertEquals(3, first.replayed());
        assertEquals(1, first.skipped());
        assertEquals(7, first.dropped());
        assertEquals(2, first.same());
        assertEquals(1, first.different());
        assertEquals(1, first.differentStatus());
        assertEquals(0, first.differentHeaders());
        assertEquals(1, first.differentBody());
        assertEquals(4.0, first.primaryLatencyMsAvg());
        assertEquals(10.0, first.shadowLatencyMsAvg());
        assertEquals(20, first.shadowLatencyMsMax());
        assertEquals(List.of(diff), first.samples());

        assertEquals(1, stats(ROUTE, 60).mirrored(), "the next minute is its own window");
        assertEquals(1, stats("other/vs#0", 0).same());
        assertNull(stats("other/vs#0", 60));
    }

    @Test
    void lateOutcomesOfAStoppedSinkStillCount() {
        pipe(ROUTE, 3_600, new Outcome(ROUTE, 0, 0, true, null, true, true, true, 1, 1, null));
        pipe(ROUTE, 5, new Outcome(ROUTE, 0, 0, true, null, true, true, true, 1, 1, null));
        assertEquals(1, stats(ROUTE, 0).replayed());
    }

    @Test
    void keepsAtMostFiveDistinctSamplesPerWindow() {
        for (int i = 0; i < 8; i++) {
            int status = 400 + i % 7;
            pipe(ROUTE, 1, new Outcome(ROUTE, 0, 0, true, null, false, true, true, 1, 1,
                    new Outcome.Sample("id-" + i, "GET", "a", "/", 200, status, List.of("status: 200 -> " + status),
                            List.of())));
        }
        RouteStats s = stats(ROUTE, 0);
        assertEquals(8, s.differentStatus());
        assertEquals(List.of("id-0", "id-1", "id-2", "id-3", "id-4"), s.samples().stream().map(Outcome.Sample::id).toList());
    }

    @Test
    void oneSamplePerDistinctDifference() {
        for (int i = 0; i < 3; i++) {
            pipe(ROUTE, 1, new Outcome(ROUTE, 0, 0, true, null, true, true, false, 1, 1,
                    new Outcome.Sample("id-" + i, "GET", "a", "/", 200, 200, List.of("body /price: 10 -> 12"), List.of())));
        }
        assertEquals(List.of("id-0"), stats(ROUTE, 0).samples().stream().map(Outcome.Sample::id).toList());
        assertEquals(3, stats(ROUTE, 0).differentBody());
    }

    private void pipe(String route, long second, Outcome o) {
        outcomes.pipeInput(route, o, T0.plusSeconds(second));
    }

    private RouteStats stats(String route, long windowStartSecond) {
        WindowStore<String, RouteStats> store = driver.getWindowStore(ReportTopology.STORE);
        return store.fetch(route, T0.plusSeconds(windowStartSecond).toEpochMilli());
    }
}
