package io.sluice.gateway.metrics;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The Kafka consumers' own metrics (lag, records and bytes consumed, fetch latency, connections), read
 * from the JMX beans kafka-clients registers for every consumer, so the stores need no hook.
 */
final class KafkaConsumerMetrics {

    private static final Logger LOG = Logger.getLogger(KafkaConsumerMetrics.class.getName());
    /** Client-level beans only: per-topic and per-partition ones would multiply the series. */
    private static final String[] TYPES = {"consumer-fetch-manager-metrics", "consumer-metrics"};

    private KafkaConsumerMetrics() {
    }

    static void write(StringBuilder out) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        for (String type : TYPES) {
            Map<String, StringBuilder> byMetric = new TreeMap<>();
            try {
                for (ObjectName name : server.queryNames(new ObjectName("kafka.consumer:type=" + type + ",*"), null)) {
                    if (name.getKeyPropertyList().size() != 2) {
                        continue;
                    }
                    String client = name.getKeyProperty("client-id");
                    for (MBeanAttributeInfo a : server.getMBeanInfo(name).getAttributes()) {
                        if (server.getAttribute(name, a.getName()) instanceof Number n
                                && Double.isFinite(n.doubleValue())) {
                            String metric = PrometheusText.name("kafka_" + type.replace("-metrics", "") + "_"
                                    + a.getName());
                            StringBuilder line = byMetric.computeIfAbsent(metric, m -> new StringBuilder());
                            line.append(metric).append("{client_id=\"").append(client).append("\"} ")
                                    .append(PrometheusText.number(n.doubleValue())).append('\n');
                        }
                    }
                }
            } catch (Exception e) {
                LOG.log(Level.FINE, "cannot read Kafka consumer metrics", e);
            }
            byMetric.forEach((metric, lines) -> {
                PrometheusText.header(out, metric, "gauge", "Kafka consumer metric " + metric + ".");
                out.append(lines);
            });
        }
    }
}
