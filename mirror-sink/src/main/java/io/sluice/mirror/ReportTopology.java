package io.sluice.mirror;

import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.Stores;

/**
 * The report's Kafka Streams topology: outcomes keyed by route, counted per route and tumbling window
 * of event time (the mirrored request's time) into the queryable window store {@link #STORE}.
 */
final class ReportTopology {

    static final String STORE = "mirror-report";
    /** Late outcomes still count: a sink that was stopped replays hours-old records on restart. */
    static final Duration GRACE = Duration.ofHours(6);
    static final Duration RETENTION = Duration.ofDays(1);

    private ReportTopology() {
    }

    static void build(StreamsBuilder builder, String outcomesTopic, Duration window) {
        builder.stream(outcomesTopic, Consumed.with(Serdes.String(), JsonSerde.of(Outcome.class)))
                .groupByKey(Grouped.with(Serdes.String(), JsonSerde.of(Outcome.class)))
                .windowedBy(TimeWindows.ofSizeAndGrace(window, GRACE))
                .aggregate(() -> RouteStats.EMPTY, (route, outcome, stats) -> stats.add(outcome),
                        Materialized.<String, RouteStats>as(Stores.inMemoryWindowStore(STORE,
                                        RETENTION.plus(GRACE), window, false))
                                .withKeySerde(Serdes.String())
                                .withValueSerde(JsonSerde.of(RouteStats.class)));
    }
}
