package io.sluice.gateway.status;

import io.sluice.kafka.KafkaSettings;
import io.sluice.model.Json;
import io.sluice.model.status.NodeStatus;
import io.sluice.routing.RouteTable;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes the node's {@link NodeStatus} to the compacted status topic after every table swap, without
 * waiting for the broker: the compile thread must not block on Kafka, and a later swap supersedes a
 * lost report anyway. On a clean stop the node deletes its record (tombstone), so status lists the
 * nodes that are up.
 */
public final class StatusReporter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StatusReporter.class.getName());

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final String node;
    private final String role;
    private String statusAddress;
    /** The last status sent, sent again when the address becomes known after it. */
    private NodeStatus last;

    public StatusReporter(KafkaSettings kafka, String node, String role) {
        Map<String, Object> props = kafka.reliableProducer("sluice-gateway-status-" + node);
        // a report is never worth holding the compile thread: with no broker, give up within a second
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);
        this.producer = new KafkaProducer<>(props);
        this.topic = kafka.topics().status();
        this.node = node;
        this.role = role;
    }

    /**
     * Fetches the status topic's metadata now, while the stores load, which the first report would
     * otherwise wait for on the compile thread, between the first table and ready.
     */
    public void prepare() {
        try {
            producer.partitionsFor(topic);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "status topic metadata not fetched ahead (the first report fetches it)", e);
        }
    }

    /**
     * Set once the status port is open, so the report can say where to scrape. The node reads Kafka
     * while its status port opens, so a table may have been reported before: that report goes again.
     */
    public synchronized void statusAddress(String hostPort) {
        this.statusAddress = hostPort;
        if (last != null) {
            publish(last.configRevision(), last.registryRevision(), last.appliedAt());
        }
    }

    public synchronized void report(RouteTable table, Instant appliedAt) {
        publish(table.configRevision(), table.registryRevision(), appliedAt.toString());
    }

    private void publish(long configRevision, long registryRevision, String appliedAt) {
        NodeStatus s = new NodeStatus(node, role, configRevision, registryRevision, appliedAt, statusAddress);
        last = s;
        try {
            send(s);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot report status of node " + node + " (will report at the next swap)", e);
        }
    }

    private void send(NodeStatus s) {
        producer.send(new ProducerRecord<>(topic, node, Json.write(s)), (meta, e) -> {
            if (e != null) {
                LOG.log(Level.WARNING, "cannot report status of node " + node + " (will report at the next swap)", e);
            }
        });
    }

    @Override
    public void close() {
        try {
            producer.send(new ProducerRecord<>(topic, node, null));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "cannot delete the status of node " + node, e);
        }
        producer.close(Duration.ofSeconds(2));
    }
}
