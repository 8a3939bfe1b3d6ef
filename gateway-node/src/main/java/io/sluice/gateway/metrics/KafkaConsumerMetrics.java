package io.sluice.gateway.metrics;

import io.sluice.kafka.CompactedTopicStore;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Kafka consumers' own metrics (lag, records and bytes consumed, fetch latency, connections), read
 * from the stores' consumers when scraped. Not from JMX: Sluice's clients do not register MBeans
 * ({@code KafkaSettings#common}).
 */
final class KafkaConsumerMetrics {

    /** Client-level groups only: per-topic and per-partition ones would multiply the series. */
    private static final List<String> GROUPS = List.of("consumer-fetch-manager-metrics", "consumer-metrics");

    private KafkaConsumerMetrics() {
    }

    static void write(StringBuilder out, List<? extends CompactedTopicStore<?>> stores) {
        for (String group : GROUPS) {
            Map<String, StringBuilder> byMetric = new TreeMap<>();
            for (CompactedTopicStore<?> store : stores) {
                store.consumerMetrics().forEach((name, metric) -> {
                    String client = name.tags().get("client-id");
                    if (!name.group().equals(group) || client == null || name.tags().size() != 1
                            || !(metric.metricValue() instanceof Number n) || !Double.isFinite(n.doubleValue())) {
                        return;
                    }
                    String prometheusName = PrometheusText.name("kafka_" + group.replace("-metrics", "") + "_"
                            + name.name());
                    StringBuilder line = byMetric.computeIfAbsent(prometheusName, m -> new StringBuilder());
                    line.append(prometheusName).append('{');
                    PrometheusText.label(line, "client_id", client);
                    line.append("} ").append(PrometheusText.number(n.doubleValue())).append('\n');
                });
            }
            byMetric.forEach((metric, lines) -> {
                PrometheusText.header(out, metric, "gauge", "Kafka consumer metric " + metric + ".");
                out.append(lines);
            });
        }
    }
}
