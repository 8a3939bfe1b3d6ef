package io.sluice.mirror;

import io.helidon.webserver.WebServer;
import io.sluice.kafka.KafkaSettings;
import io.sluice.kafka.TopicAdmin;
import io.sluice.service.Http;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

/**
 * mirror-sink: consumes the mirror topic as a consumer group, so several sinks share its partitions.
 * For now it counts what it consumes; replaying to the shadow and comparing come with mirroring.
 */
public final class MirrorSink implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MirrorSink.class.getName());
    public static final String GROUP = "sluice-mirror-sink";

    private final KafkaConsumer<String, byte[]> consumer;
    private final Thread thread;
    private final AtomicLong consumed = new AtomicLong();
    private final WebServer server;
    private volatile boolean running = true;
    private volatile boolean assigned;

    private MirrorSink(KafkaSettings kafka, String host, int port) {
        this.consumer = new KafkaConsumer<>(kafka.grouped("sluice-mirror-sink", GROUP));
        this.consumer.subscribe(List.of(kafka.topics().mirror()));
        this.thread = Thread.ofPlatform().name("sluice-mirror-sink").unstarted(this::run);
        this.server = WebServer.builder().host(host).port(port).routing(r -> r
                .get("/healthz/ready", (req, res) -> res.status(assigned ? 200 : 503).send(assigned ? "ready" : "joining"))
                .get("/report", (req, res) -> Http.sendJson(res, 200, Map.of("consumed", consumed.get()))))
                .build();
    }

    public static MirrorSink start(KafkaSettings kafka, String host, int port) {
        TopicAdmin.ensureTopics(kafka, Duration.ofMinutes(2));
        MirrorSink sink = new MirrorSink(kafka, host, port);
        sink.server.start();
        sink.thread.start();
        return sink;
    }

    public int port() {
        return server.port();
    }

    public long consumed() {
        return consumed.get();
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                assigned = !consumer.assignment().isEmpty();
                consumed.addAndGet(records.count());
                if (!records.isEmpty()) {
                    consumer.commitSync();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "mirror-sink consumer stopped", e);
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.stop();
    }
}
