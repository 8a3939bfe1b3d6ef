package io.sluice.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.testing.KafkaFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The store against a real broker: the read path every service relies on. */
class CompactedTopicStoreTest {

    KafkaSettings settings;
    KafkaProducer<String, byte[]> producer;

    @BeforeEach
    void topics() {
        settings = KafkaSettings.of(KafkaFixture.bootstrapServers())
                .withTopics(Topics.withPrefix(KafkaFixture.uniquePrefix("store")));
        TopicAdmin.ensureTopics(settings, Duration.ofSeconds(30));
        producer = new KafkaProducer<>(settings.reliableProducer("store-test"));
    }

    @AfterEach
    void close() {
        producer.close();
    }

    private CompactedTopicStore<String> store() {
        return new CompactedTopicStore<>(settings, settings.topics().config(), "store-test",
                (k, v, offset) -> new String(v, StandardCharsets.UTF_8));
    }

    private void put(String key, String value) throws Exception {
        producer.send(new ProducerRecord<>(settings.topics().config(), key,
                value == null ? null : value.getBytes(StandardCharsets.UTF_8))).get(10, TimeUnit.SECONDS);
    }

    @Test
    void isReadyOnlyAfterReadingEverythingThatWasThere() throws Exception {
        for (int i = 0; i < 500; i++) {
            put("k" + i, "v" + i);
        }
        try (CompactedTopicStore<String> store = store()) {
            assertFalse(store.ready());
            store.start().initialLoad().get(30, TimeUnit.SECONDS);
            assertTrue(store.ready());
            assertEquals(500, store.snapshot().entries().size());
            assertEquals(499, store.snapshot().revision());
        }
    }

    /** Gateways start reading before they make sure the topics exist: a store waits for its topic. */
    @Test
    void aStoreStartedBeforeItsTopicIsMadeIsReadyOnceItIs() throws Exception {
        KafkaSettings early = KafkaSettings.of(KafkaFixture.bootstrapServers())
                .withTopics(Topics.withPrefix(KafkaFixture.uniquePrefix("early")));
        try (CompactedTopicStore<String> store = new CompactedTopicStore<>(early, early.topics().config(),
                "early-test", (k, v, offset) -> new String(v, StandardCharsets.UTF_8)).start()) {
            Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .until(() -> !store.ready());
            TopicAdmin.ensureTopics(early, Duration.ofSeconds(30));
            store.initialLoad().get(30, TimeUnit.SECONDS);
            assertEquals(-1, store.snapshot().revision());
        }
    }

    /** Copying the view per poll batch made an initial load quadratic in the number of records. */
    @Test
    void initialLoadOverManyPollBatchesPublishesOneSnapshot() throws Exception {
        for (int i = 0; i < 300; i++) {
            producer.send(new ProducerRecord<>(settings.topics().config(), "k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush();
        KafkaSettings smallBatches = new KafkaSettings(settings.bootstrapServers(), Map.of("max.poll.records", "20"),
                settings.topics());
        List<Integer> published = new CopyOnWriteArrayList<>();
        try (CompactedTopicStore<String> store = new CompactedTopicStore<>(smallBatches, settings.topics().config(),
                "store-test", (k, v, offset) -> new String(v, StandardCharsets.UTF_8))) {
            store.addListener(s -> published.add(s.entries().size()));
            store.start().initialLoad().get(30, TimeUnit.SECONDS);
            assertEquals(List.of(300), published);
            assertEquals("v299", store.get("k299"));
        }
    }

    @Test
    void emptyTopicIsReadyWithNothing() throws Exception {
        try (CompactedTopicStore<String> store = store().start()) {
            store.initialLoad().get(30, TimeUnit.SECONDS);
            assertEquals(Map.of(), store.snapshot().entries());
            assertEquals(-1, store.snapshot().revision());
        }
    }

    @Test
    void tombstoneDeletesTheKey() throws Exception {
        put("a", "1");
        put("b", "2");
        put("a", null);
        try (CompactedTopicStore<String> store = store().start()) {
            store.initialLoad().get(30, TimeUnit.SECONDS);
            assertNull(store.get("a"));
            assertEquals("2", store.get("b"));
        }
    }

    @Test
    void followsTheLogAndTellsListenersWithWholeSnapshots() throws Exception {
        List<Map<String, String>> seen = new CopyOnWriteArrayList<>();
        try (CompactedTopicStore<String> store = store()) {
            store.addListener(s -> seen.add(s.entries())).start().initialLoad().get(30, TimeUnit.SECONDS);
            put("x", "1");
            put("x", "2");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "2".equals(store.get("x")));
            assertEquals(Map.of("x", "2"), seen.getLast());
        }
    }

    @Test
    void readToEndSeesAWriteAcknowledgedBeforeIt() throws Exception {
        try (CompactedTopicStore<String> store = store().start()) {
            store.initialLoad().get(30, TimeUnit.SECONDS);
            put("y", "new");
            long revision = store.readToEnd().get(10, TimeUnit.SECONDS);
            assertEquals("new", store.get("y"));
            assertEquals(store.snapshot().revision(), revision);
        }
    }

    /**
     * An idle store keeps a fetch parked on the broker for {@code fetch.max.wait.ms}, and a broker
     * answers a connection's requests one at a time: asking for the end must not queue behind it.
     */
    @Test
    void readToEndIsNotHeldBehindTheFetchParkedOnTheBroker() throws Exception {
        KafkaSettings patient = new KafkaSettings(settings.bootstrapServers(), Map.of("fetch.max.wait.ms", "60000"),
                settings.topics());
        try (CompactedTopicStore<String> store = new CompactedTopicStore<>(patient, settings.topics().config(),
                "store-test", (k, v, offset) -> new String(v, StandardCharsets.UTF_8)).start()) {
            store.initialLoad().get(30, TimeUnit.SECONDS);
            put("a", "1");
            // the consumer sends its next fetch before it hands over records: from here one is parked
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> "1".equals(store.get("a")));
            assertEquals(store.snapshot().revision(), store.readToEnd().get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void skipsARecordItCannotDecodeAndCountsIt() throws Exception {
        put("good", "1");
        put("bad", "boom");
        try (CompactedTopicStore<String> store = new CompactedTopicStore<>(settings, settings.topics().config(),
                "store-test", (k, v, offset) -> {
                    String s = new String(v, StandardCharsets.UTF_8);
                    if (s.equals("boom")) {
                        throw new IllegalArgumentException("not a value");
                    }
                    return s;
                }).start()) {
            store.initialLoad().get(30, TimeUnit.SECONDS);
            assertEquals("1", store.get("good"));
            assertNull(store.get("bad"));
            assertEquals(1, store.decodeFailures());
        }
    }
}
