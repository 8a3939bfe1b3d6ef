package io.sluice.gateway.mirror;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.kafka.KafkaSettings;
import io.sluice.kafka.Topics;
import io.sluice.kafka.TopicAdmin;
import io.sluice.model.Json;
import io.sluice.model.mirror.MirrorRecord;
import io.sluice.testing.KafkaFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The publisher against a real broker, and against none. */
class MirrorPublisherTest {

    @Test
    void copiesReachTheMirrorTopicKeyedByRequestIdAtTheRequestTime() {
        KafkaSettings kafka = kafka("mirror-publish");
        try (MirrorPublisher p = new MirrorPublisher(kafka, "node-a", MirrorSettings.defaults())) {
            for (int i = 0; i < 10; i++) {
                assertTrue(p.offer(copy("id-" + i, 1_000_000L + i)));
            }
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> p.sent() == 10);
        }
        List<ConsumerRecord<String, byte[]>> records = readAll(kafka, 10);
        assertEquals(10, records.size());
        for (ConsumerRecord<String, byte[]> r : records) {
            MirrorRecord.Request copy = (MirrorRecord.Request) Json.read(r.value(), MirrorRecord.class);
            assertEquals(r.key(), copy.id());
            assertEquals(copy.time(), r.timestamp());
            assertEquals("chapter4/mockshop#0", copy.route());
        }
    }

    @Test
    void aFullQueueDropsWithoutWaitingAndTheCountsReachTheTopic() {
        KafkaSettings kafka = kafka("mirror-drops");
        MirrorSettings settings = MirrorSettings.defaults().withQueueCapacity(1);
        long dropped;
        try (MirrorPublisher p = new MirrorPublisher(kafka, "node-b", settings)) {
            for (int i = 0; i < 50_000; i++) {
                p.offer(copy("id-" + i, System.currentTimeMillis()));
            }
            dropped = p.dropped();
            assertTrue(dropped > 0, "50 000 offers into a queue of one outran the producer");
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> reportedDrops(kafka) == p.dropped());
            dropped = p.dropped();
        }
        assertEquals(dropped, reportedDrops(kafka));
    }

    @Test
    void withoutABrokerOffersStillReturnAndCountDrops() {
        KafkaSettings nowhere = KafkaSettings.of("127.0.0.1:1").withTopics(Topics.withPrefix("none."));
        try (MirrorPublisher p = new MirrorPublisher(nowhere, "node-c",
                MirrorSettings.defaults().withQueueCapacity(2))) {
            for (int i = 0; i < 1_000; i++) {
                p.offer(copy("id-" + i, 1L));
            }
            assertTrue(p.dropped() >= 997, "dropped " + p.dropped());
            assertEquals(0, p.sent());
        }
    }

    private static long reportedDrops(KafkaSettings kafka) {
        long sum = 0;
        for (ConsumerRecord<String, byte[]> r : readAll(kafka, 0)) {
            if (Json.read(r.value(), MirrorRecord.class) instanceof MirrorRecord.Drops d) {
                assertEquals("drops/node-b", r.key());
                sum += d.byRoute().getOrDefault("chapter4/mockshop#0", 0L);
            }
        }
        return sum;
    }

    static MirrorRecord.Request copy(String id, long time) {
        return new MirrorRecord.Request(id, time, "node", "chapter4/mockshop#0", "GET", "mockshop.com", "/",
                List.of(new MirrorRecord.Header("x-request-id", id)), new byte[0], 0, false,
                new MirrorRecord.Target("nginxdummy.chapter4.svc.cluster.local", "v2", 80),
                new MirrorRecord.Target("envoydummy.chapter4.svc.cluster.local", "v1", 80),
                new MirrorRecord.Primary(200, null, Map.of(), "", 0, 1));
    }

    private static KafkaSettings kafka(String name) {
        KafkaSettings kafka = KafkaSettings.of(KafkaFixture.bootstrapServers())
                .withTopics(Topics.withPrefix(KafkaFixture.uniquePrefix(name)));
        TopicAdmin.ensureTopics(kafka, Duration.ofSeconds(60));
        return kafka;
    }

    /** Every record now in the mirror topic (waiting for at least {@code atLeast}). */
    private static List<ConsumerRecord<String, byte[]>> readAll(KafkaSettings kafka, int atLeast) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(kafka.groupless("test-reader"))) {
            List<TopicPartition> parts = c.partitionsFor(kafka.topics().mirror()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = c.endOffsets(parts);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                c.poll(Duration.ofMillis(100)).forEach(out::add);
                return out.size() >= atLeast && parts.stream().allMatch(p -> c.position(p) >= ends.get(p));
            });
        }
        return out;
    }
}
