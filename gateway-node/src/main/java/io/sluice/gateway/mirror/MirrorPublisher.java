package io.sluice.gateway.mirror;

import io.sluice.kafka.KafkaSettings;
import io.sluice.model.Json;
import io.sluice.model.mirror.MirrorRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The only link between request threads and Kafka: a bounded queue that request threads
 * {@linkplain #offer offer} to without ever waiting, and one thread that serialises and sends. A full
 * queue (Kafka slow or away) drops the copy and counts it per route; the counts since the last report
 * go to the mirror topic every {@link MirrorSettings#dropReportEvery()}, so the sink's report shows them.
 */
final class MirrorPublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MirrorPublisher.class.getName());

    private final BlockingQueue<MirrorRecord.Request> queue;
    private final Map<String, LongAdder> unreportedDrops = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Producer<String, byte[]> producer;
    private final String topic;
    private final String node;
    private final Duration dropReportEvery;
    private final Thread thread;
    private volatile boolean running = true;

    MirrorPublisher(KafkaSettings kafka, String node, MirrorSettings settings) {
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.producer = new KafkaProducer<>(producerProps(kafka, node));
        this.topic = kafka.topics().mirror();
        this.node = node;
        this.dropReportEvery = settings.dropReportEvery();
        this.thread = Thread.ofPlatform().name("sluice-mirror-publisher").daemon().start(this::run);
    }

    /**
     * Copies are worth less than the primary's latency: one leader ack, a short linger to batch, and a
     * bounded wait for metadata so a lost cluster stalls only this thread (and the queue drops).
     */
    private static Map<String, Object> producerProps(KafkaSettings kafka, String node) {
        Map<String, Object> m = kafka.producer("sluice-mirror-" + node);
        m.put(ProducerConfig.ACKS_CONFIG, "1");
        m.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        m.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        m.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
        m.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        m.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return m;
    }

    /** Never blocks: false (and counted) when the queue is full. */
    boolean offer(MirrorRecord.Request copy) {
        if (queue.offer(copy)) {
            return true;
        }
        drop(copy.route());
        return false;
    }

    long sent() {
        return sent.get();
    }

    long dropped() {
        return dropped.get();
    }

    private void drop(String route) {
        dropped.incrementAndGet();
        unreportedDrops.computeIfAbsent(route, r -> new LongAdder()).increment();
    }

    private void run() {
        long nextReport = System.nanoTime() + dropReportEvery.toNanos();
        while (running || !queue.isEmpty()) {
            try {
                MirrorRecord.Request copy = queue.poll(100, TimeUnit.MILLISECONDS);
                if (copy != null) {
                    send(copy.id(), copy, copy.route());
                }
                if (System.nanoTime() >= nextReport) {
                    reportDrops();
                    nextReport = System.nanoTime() + dropReportEvery.toNanos();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // metadata wait timed out (cluster away), serialisation: the copy is lost, the thread goes on
                LOG.log(Level.FINE, "mirror copy not sent", e);
            }
        }
        reportDrops();
    }

    private void send(String key, MirrorRecord record, String route) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, null, record.time(), key, Json.write(record));
        try {
            producer.send(r, (meta, error) -> {
                if (error == null) {
                    if (route != null) {
                        sent.incrementAndGet();
                    }
                } else if (route != null) {
                    drop(route);
                }
            });
        } catch (RuntimeException e) {
            if (route != null) {
                drop(route);
            }
            throw e;
        }
    }

    private void reportDrops() {
        Map<String, Long> counts = new HashMap<>();
        unreportedDrops.forEach((route, adder) -> {
            long n = adder.sumThenReset();
            if (n > 0) {
                counts.put(route, n);
            }
        });
        if (counts.isEmpty()) {
            return;
        }
        try {
            send("drops/" + node, new MirrorRecord.Drops(System.currentTimeMillis(), node, counts), null);
        } catch (RuntimeException e) {
            // keep the counts for the next report
            counts.forEach((route, n) -> unreportedDrops.computeIfAbsent(route, k -> new LongAdder()).add(n));
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(3_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(2));
    }
}
