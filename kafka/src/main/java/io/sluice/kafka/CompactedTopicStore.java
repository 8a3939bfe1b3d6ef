package io.sluice.kafka;

import io.sluice.model.PersistentMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A compacted topic read as shared state, shaped like Kafka Connect's {@code KafkaBasedLog}: all
 * partitions assigned, read from the earliest offset with no consumer group and no commits, one named
 * thread applying records in order, a null value deleting its key.
 *
 * <p>{@link #readToEnd()} completes once every record that was in the topic when it was called has
 * been applied; the store is {@linkplain #ready() ready} after the first such read. When Kafka is
 * unreachable the last view stays in place and the thread keeps trying, so readers serve the last good
 * state and catch up by themselves.
 *
 * @param <V> the decoded value
 */
public final class CompactedTopicStore<V> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CompactedTopicStore.class.getName());
    private static final Duration POLL = Duration.ofMillis(200);

    /** Turns a record value into the stored value; a failure skips the record and is counted. */
    @FunctionalInterface
    public interface Decoder<V> {
        V decode(String key, byte[] value, long offset) throws Exception;
    }

    /** Called on the store's thread after each batch of changes, with the whole view. */
    @FunctionalInterface
    public interface Listener<V> {
        void onChange(Snapshot<V> snapshot);
    }

    /**
     * An immutable view of the topic. Two views of one store share what did not change between them,
     * and {@link PersistentMap#changedKeys} finds what did at the cost of the change.
     *
     * @param revision offset of the last record applied, -1 before the first; with one partition this
     *                 orders every write, and config-service returns it as the resourceVersion
     */
    public record Snapshot<V>(PersistentMap<V> entries, long revision) {
    }

    private final String topic;
    private final Map<String, Object> consumerProps;
    private final Map<String, Object> adminProps;
    private final Decoder<V> decoder;
    private final List<Listener<V>> listeners = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<CompletableFuture<Long>> endRequests = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<RevisionWait> revisionWaits = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Void> initialLoad = new CompletableFuture<>();
    private final AtomicLong decodeFailures = new AtomicLong();
    private final Thread thread;
    /**
     * Written by the store's thread only; readers see it through {@link #snapshot}. Persistent, so that
     * publishing a view after each record costs that record, not a copy of the whole view.
     */
    private PersistentMap<V> state = PersistentMap.empty();
    private long revision = -1;
    private volatile Snapshot<V> snapshot = new Snapshot<>(PersistentMap.empty(), -1);
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    /** Confined to the store's thread: whether a fetch may be parked on the broker now. */
    private boolean polled;
    /** Asks for end offsets once a fetch may be parked; made on first need, confined to the store's thread. */
    private Admin admin;

    public CompactedTopicStore(KafkaSettings settings, String topic, String clientId, Decoder<V> decoder) {
        this.topic = topic;
        this.consumerProps = settings.groupless(clientId);
        this.adminProps = settings.common();
        adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId + "-ends");
        this.decoder = decoder;
        this.thread = Thread.ofPlatform().name("sluice-store-" + topic).daemon().unstarted(this::run);
    }

    public CompactedTopicStore<V> addListener(Listener<V> listener) {
        listeners.add(listener);
        return this;
    }

    public CompactedTopicStore<V> start() {
        thread.start();
        readToEnd().whenComplete((ignored, error) -> {
            if (error == null) {
                initialLoad.complete(null);
            }
        });
        return this;
    }

    public String topic() {
        return topic;
    }

    public Snapshot<V> snapshot() {
        return snapshot;
    }

    public V get(String key) {
        return snapshot.entries().get(key);
    }

    /** True once the store has read everything that was in the topic when it started. */
    public boolean ready() {
        return initialLoad.isDone();
    }

    public CompletableFuture<Void> initialLoad() {
        return initialLoad;
    }

    public long decodeFailures() {
        return decodeFailures.get();
    }

    /** The consumer's own metrics (records consumed, lag, fetch latency); none before it is made. */
    public Map<MetricName, ? extends Metric> consumerMetrics() {
        KafkaConsumer<String, byte[]> c = consumer;
        return c == null ? Map.of() : c.metrics();
    }

    /**
     * Completes, with the revision then applied, once the store has applied every record that is in the
     * topic now. Waits as long as Kafka is away; callers bound it with a timeout.
     */
    public CompletableFuture<Long> readToEnd() {
        CompletableFuture<Long> f = new CompletableFuture<>();
        endRequests.add(f);
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        return f;
    }

    /**
     * Completes once the store has applied the record at {@code offset} (or a later one), without asking
     * the broker for the end offsets: a writer that knows where its record landed waits exactly until
     * its own view contains it. Waits as long as Kafka is away; callers bound it with a timeout.
     */
    public CompletableFuture<Long> awaitRevision(long offset) {
        RevisionWait w = new RevisionWait(offset, new CompletableFuture<>());
        revisionWaits.add(w);
        // the store thread publishes the snapshot before it checks the waits: one of us sees the other
        long now = snapshot.revision();
        if (now >= offset) {
            w.future().complete(now);
        }
        return w.future();
    }

    private record RevisionWait(long offset, CompletableFuture<Long> future) {
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps)) {
            consumer = c;
            List<TopicPartition> partitions = assign(c);
            while (running) {
                try {
                    serveEndRequests(c, partitions);
                    // a request put back by a wakeup is served first: a poll now could sit out POLL idle
                    if (endRequests.isEmpty()) {
                        pollOnce(c);
                    }
                } catch (WakeupException e) {
                    // a readToEnd request or close: loop round
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "store " + topic + ": " + e.getMessage(), e);
                    pause(1_000);
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing before the topic was found
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "store " + topic + " stopped", e);
        } finally {
            if (admin != null) {
                admin.close(Duration.ofSeconds(2));
            }
            endRequests.forEach(f -> f.completeExceptionally(new IllegalStateException("store closed")));
            revisionWaits.forEach(w -> w.future().completeExceptionally(new IllegalStateException("store closed")));
        }
    }

    private List<TopicPartition> assign(KafkaConsumer<String, byte[]> c) throws InterruptedException {
        while (running) {
            try {
                List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(2));
                if (infos != null && !infos.isEmpty()) {
                    List<TopicPartition> parts = infos.stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                    c.assign(parts);
                    c.seekToBeginning(parts);
                    return parts;
                }
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.fine("waiting for topic " + topic);
            } catch (WakeupException e) {
                // a readToEnd made while we look for the topic: it is served once assigned (close
                // clears running, which ends the loop)
                continue;
            }
            Thread.sleep(200);
        }
        throw new InterruptedException("closed");
    }

    private void pollOnce(KafkaConsumer<String, byte[]> c) {
        polled = true;
        ConsumerRecords<String, byte[]> records = c.poll(POLL);
        if (records.isEmpty()) {
            return;
        }
        apply(records);
        publish();
    }

    /**
     * Makes the applied state visible: a new snapshot, the revision waits it satisfies, the listeners.
     * A catch-up publishes once at its end, not per batch: listeners do their work once.
     */
    private void publish() {
        Snapshot<V> s = new Snapshot<>(state, revision);
        snapshot = s;
        for (RevisionWait w : revisionWaits) {
            if (w.offset() <= s.revision()) {
                w.future().complete(s.revision());
            }
        }
        revisionWaits.removeIf(w -> w.future().isDone());
        notifyListeners(s);
    }

    private void apply(ConsumerRecords<String, byte[]> records) {
        for (ConsumerRecord<String, byte[]> r : records) {
            revision = Math.max(revision, r.offset());
            if (r.key() == null) {
                continue;
            }
            if (r.value() == null) {
                state = state.without(r.key());
                continue;
            }
            try {
                V v = decoder.decode(r.key(), r.value(), r.offset());
                state = v == null ? state.without(r.key()) : state.with(r.key(), v);
            } catch (Exception e) {
                decodeFailures.incrementAndGet();
                LOG.warning("store " + topic + ": skipped record " + r.key() + "@" + r.offset() + ": " + e);
            }
        }
    }

    private void serveEndRequests(KafkaConsumer<String, byte[]> c, List<TopicPartition> parts) {
        if (endRequests.isEmpty()) {
            return;
        }
        List<CompletableFuture<Long>> waiting = new ArrayList<>();
        CompletableFuture<Long> f;
        while ((f = endRequests.poll()) != null) {
            waiting.add(f);
        }
        Map<TopicPartition, Long> ends;
        try {
            // before the first poll no fetch is parked, and the consumer's own connection answers at once
            // (most readers, the gateways among them, never read to the end again)
            ends = polled ? endOffsets(parts) : c.endOffsets(parts, Duration.ofSeconds(2));
        } catch (KafkaException e) {
            // Kafka away, or a wakeup (sticky: one that arrived while we were not polling lands here):
            // the requests taken must not be lost
            endRequests.addAll(waiting);
            return;
        }
        // poll until every partition's position reached the end seen now; the records read on the way
        // become visible together (a reader asked for the end, not for the batches before it)
        long started = System.nanoTime();
        long applied = 0;
        while (running) {
            try {
                boolean caughtUp = ends.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue());
                if (caughtUp) {
                    break;
                }
                polled = true;
                ConsumerRecords<String, byte[]> records = c.poll(POLL);
                apply(records);
                applied += records.count();
            } catch (WakeupException e) {
                // another readToEnd arrived while catching up: it is served on the next round
            }
        }
        if (!running) { // closed part-way: these readers did not get the end they asked for
            waiting.forEach(w -> w.completeExceptionally(new IllegalStateException("store closed")));
            return;
        }
        if (applied > 0) {
            publish();
        }
        if (!initialLoad.isDone()) {
            LOG.info(String.format(Locale.ROOT, "store %s: read %d records to revision %d in %d ms",
                    topic, applied, revision, (System.nanoTime() - started) / 1_000_000));
        }
        long done = revision;
        waiting.forEach(w -> w.complete(done));
    }

    /**
     * The end offsets a read_committed reader can reach, asked over the admin client's connection, not
     * the consumer's. A broker answers one request per connection at a time, in order, and an idle
     * consumer always has a fetch parked on the broker for up to {@code fetch.max.wait.ms}: asked on the
     * consumer's connection, the question waited behind that fetch (half of all read-to-ends took the
     * full 500 ms in {@code RegistryPropagationBenchmark}).
     */
    private Map<TopicPartition, Long> endOffsets(List<TopicPartition> parts) {
        if (admin == null) {
            admin = Admin.create(adminProps);
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        parts.forEach(p -> latest.put(p, OffsetSpec.latest()));
        try {
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED).timeoutMs(2_000))
                    .all().get().forEach((p, info) -> ends.put(p, info.offset()));
            return ends;
        } catch (ExecutionException e) {
            throw new KafkaException("end offsets of " + topic + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    private void notifyListeners(Snapshot<V> s) {
        for (Listener<V> l : listeners) {
            try {
                l.onChange(s);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "store " + topic + ": listener failed", e);
            }
        }
    }

    private static void pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
