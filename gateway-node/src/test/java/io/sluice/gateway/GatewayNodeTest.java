package io.sluice.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sluice.kafka.KafkaSettings;
import io.sluice.kafka.Topics;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayNodeTest {

    @Test
    void configViewFetchesShortlySoACommittedApplyIsNotHeldByTheBroker() {
        assertEquals(Duration.ofMillis(GatewayNode.CONFIG_FETCH_WAIT_MS),
                GatewayNode.configFetchWait(KafkaSettings.of("127.0.0.1:9092")));
    }

    @Test
    void fetchWaitFromTheKafkaPropertiesFileWins() {
        KafkaSettings tuned = new KafkaSettings("127.0.0.1:9092", Map.of("fetch.max.wait.ms", "50"), Topics.defaults());
        assertNull(GatewayNode.configFetchWait(tuned));
    }
}
