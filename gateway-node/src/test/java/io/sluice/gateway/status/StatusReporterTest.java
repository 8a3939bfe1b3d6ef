package io.sluice.gateway.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.kafka.CompactedTopicStore;
import io.sluice.kafka.KafkaSettings;
import io.sluice.kafka.TopicAdmin;
import io.sluice.kafka.Topics;
import io.sluice.model.Json;
import io.sluice.model.status.NodeStatus;
import io.sluice.routing.RouteTable;
import io.sluice.testing.KafkaFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class StatusReporterTest {

    /** A node reads Kafka while its status port opens: a table can be reported before the address is known. */
    @Test
    void reportsAgainWithTheStatusAddressWhenItBecomesKnownAfterATable() {
        KafkaSettings kafka = KafkaSettings.of(KafkaFixture.bootstrapServers())
                .withTopics(Topics.withPrefix(KafkaFixture.uniquePrefix("status-address")));
        TopicAdmin.ensureTopics(kafka, Duration.ofSeconds(60));
        try (StatusReporter reporter = new StatusReporter(kafka, "node-1", "ingress");
             CompactedTopicStore<NodeStatus> status = new CompactedTopicStore<>(kafka, kafka.topics().status(),
                     "status-reader", (k, v, offset) -> Json.read(v, NodeStatus.class)).start()) {
            reporter.report(new RouteTable(7, 3, Map.of()), Instant.parse("2026-01-01T00:00:00Z"));
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> status.get("node-1") != null);
            assertEquals(null, status.get("node-1").statusAddress());

            reporter.statusAddress("127.0.0.1:15021");

            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> status.get("node-1").statusAddress() != null);
            assertEquals(new NodeStatus("node-1", "ingress", 7, 3, "2026-01-01T00:00:00Z", "127.0.0.1:15021"),
                    status.get("node-1"));
        }
    }
}
