package io.sluice.gateway.status;

import io.sluice.kafka.KafkaSettings;
import io.sluice.model.Json;
import io.sluice.model.status.NodeStatus;
import io.sluice.routing.RouteTable;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes the node's {@link NodeStatus} to the compacted status topic shortly after each table swap,
 * without waiting for the broker: the compile thread must not block on Kafka, and a later swap
 * supersedes a lost report anyway. On a clean stop the node deletes its record (tombstone), so status
 * lists the nodes that are up.
 *
 * <p>A report goes out {@link #REPORT_DELAY} after the swap, from a thread of its own. The first
 * milliseconds after a change belong to the nodes still compiling it: every node's report at that
 * moment (the write, the broker's work, config-service reading it) competed with them for the same
 * cores, and took a third off the slowest node's propagation time in {@code bench/propagation.sh}
 * when it moved out of the way. Swaps within the delay make one report, of the latest table.
 */
public final class StatusReporter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(StatusReporter.class.getName());
    static final Duration REPORT_DELAY = Duration.ofMillis(50);

    private final KafkaProducer<String, byte[]> producer;
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("sluice-status-reporter").daemon().factory());
    private final String topic;
    private final String node;
    private final String role;
    private String statusAddress;
    /** The latest status, sent again when the address becomes known after it. */
    private NodeStatus last;
    private boolean sendScheduled;

    public StatusReporter(KafkaSettings kafka, String node, String role) {
        Map<String, Object> props = kafka.reliableProducer("sluice-gateway-status-" + node);
        // a report is never worth holding a thread: with no broker, give up within a second
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);
        this.producer = new KafkaProducer<>(props);
        this.topic = kafka.topics().status();
        this.node = node;
        this.role = role;
    }

    /**
     * Fetches the status topic's metadata now, while the stores load, which the first report would
     * otherwise wait for.
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
            update(last.configRevision(), last.registryRevision(), last.appliedAt());
        }
    }

    public synchronized void report(RouteTable table, Instant appliedAt) {
        update(table.configRevision(), table.registryRevision(), appliedAt.toString());
    }

    private void update(long configRevision, long registryRevision, String appliedAt) {
        last = new NodeStatus(node, role, configRevision, registryRevision, appliedAt, statusAddress);
        if (!sendScheduled) {
            sendScheduled = true;
            sender.schedule(this::sendLatest, REPORT_DELAY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void sendLatest() {
        NodeStatus s;
        synchronized (this) {
            sendScheduled = false;
            s = last;
        }
        try {
            producer.send(new ProducerRecord<>(topic, node, Json.write(s)), (meta, e) -> {
                if (e != null) {
                    LOG.log(Level.WARNING, "cannot report status of node " + node + " (will report at the next swap)", e);
                }
            });
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "cannot report status of node " + node + " (will report at the next swap)", e);
        }
    }

    @Override
    public void close() {
        // a report still waiting must not land after the tombstone
        sender.shutdownNow();
        try {
            sender.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            producer.send(new ProducerRecord<>(topic, node, null));
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "cannot delete the status of node " + node, e);
        }
        producer.close(Duration.ofSeconds(2));
    }
}
