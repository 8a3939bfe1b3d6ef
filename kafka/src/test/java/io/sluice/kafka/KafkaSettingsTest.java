package io.sluice.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

class KafkaSettingsTest {

    @Test
    void readersNeverMakeTheTopicsTheyAskFor() {
        // a user's properties file cannot turn it on: a topic made by a reader has no compaction
        KafkaSettings settings = new KafkaSettings("localhost:9092",
                Map.of(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "true"), Topics.defaults());
        assertEquals(false, settings.groupless("c").get(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG));
        assertEquals(false, settings.grouped("c", "g").get(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG));
    }

    @Test
    void clientsRegisterNoMetricMBeansUnlessThePropertiesFileAsks() {
        String reporter = CommonClientConfigs.METRIC_REPORTER_CLASSES_CONFIG;
        assertEquals("", KafkaSettings.of("localhost:9092").common().get(reporter));
        KafkaSettings withJmx = new KafkaSettings("localhost:9092",
                Map.of(reporter, "org.apache.kafka.common.metrics.JmxReporter"), Topics.defaults());
        assertEquals("org.apache.kafka.common.metrics.JmxReporter", withJmx.common().get(reporter));
        assertEquals("org.apache.kafka.common.metrics.JmxReporter", withJmx.groupless("c").get(reporter));
    }
}
