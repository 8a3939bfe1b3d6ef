package io.sluice.mirror;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sluice.kafka.KafkaSettings;
import io.sluice.kafka.TopicAdmin;
import io.sluice.model.Json;
import io.sluice.model.mirror.MirrorRecord;
import io.sluice.service.Http;
import io.sluice.service.Servers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * mirror-sink: consumes the mirror topic as a consumer group (sinks share its partitions), replays each
 * copy to its shadow and compares, writes one outcome per copy to the outcomes topic, and commits only
 * after the batch's outcomes are acknowledged — at least once, so a restart resumes where it stopped.
 * A Kafka Streams topology ({@link ReportTopology}) aggregates the outcomes into the report served on
 * {@code GET /report} (JSON) and {@code GET /} (HTML).
 */
public final class MirrorSink implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MirrorSink.class.getName());

    private final KafkaSettings kafka;
    private final SinkSettings settings;
    private final String outcomesTopic;
    private final ShadowDirectory directory;
    private final Replayer replayer;
    private final ShadowReplay replay;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Producer<String, byte[]> producer;
    private final KafkaStreams streams;
    /** The report's local store, made for this sink and removed when it closes. */
    private final Path stateDirectory;
    private final ExecutorService replays = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread thread;
    private final AtomicLong consumed = new AtomicLong();
    private final AtomicLong replayed = new AtomicLong();
    private final WebServer server;
    private volatile boolean running = true;
    private volatile boolean assigned;

    private MirrorSink(KafkaSettings kafka, String host, int port, SinkSettings settings) {
        this.kafka = kafka;
        this.settings = settings;
        this.outcomesTopic = outcomesTopic(kafka);
        String client = "sluice-mirror-sink-" + settings.instanceId();
        this.directory = new ShadowDirectory(kafka, client);
        this.replayer = new Replayer(settings.replayTimeout());
        this.replay = new ShadowReplay(replayer, settings);
        Map<String, Object> c = kafka.grouped(client, groupId(kafka));
        // a batch is replayed in parallel; keep it small enough to finish well within the poll interval
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        this.consumer = new KafkaConsumer<>(c);
        this.producer = new KafkaProducer<>(kafka.reliableProducer(client + "-outcomes"));
        StreamsBuilder builder = new StreamsBuilder();
        ReportTopology.build(builder, outcomesTopic, settings.window());
        Properties props = streamsProps(kafka, settings, outcomesTopic);
        this.stateDirectory = Path.of(props.getProperty(StreamsConfig.STATE_DIR_CONFIG));
        this.streams = new KafkaStreams(builder.build(props), props);
        this.thread = Thread.ofPlatform().name("sluice-mirror-sink").unstarted(this::run);
        this.server = WebServer.builder().host(host).port(port).routing(r -> r
                        .get("/healthz/ready", (req, res) -> res.status(ready() ? 200 : 503)
                                .send(ready() ? "ready" : "joining"))
                        .get("/report", Http.api(this::reportJson))
                        .get("/report.html", Http.api(this::reportHtml))
                        .get("/", Http.api(this::reportHtml)))
                .build();
    }

    public static MirrorSink start(KafkaSettings kafka, String host, int port) {
        return start(kafka, host, port, SinkSettings.defaults());
    }

    public static MirrorSink start(KafkaSettings kafka, String host, int port, SinkSettings settings) {
        TopicAdmin.ensureTopics(kafka, Duration.ofMinutes(2));
        ensureOutcomesTopic(kafka);
        MirrorSink sink = new MirrorSink(kafka, host, port, settings);
        sink.consumer.subscribe(List.of(kafka.topics().mirror()));
        Servers.start(sink.server, "the report server on " + host + ":" + port);
        sink.streams.start();
        sink.thread.start();
        return sink;
    }

    /** Where outcomes go: beside the mirror topic, so a topic prefix keeps installations apart. */
    static String outcomesTopic(KafkaSettings kafka) {
        return kafka.topics().mirror() + "-outcomes";
    }

    static String groupId(KafkaSettings kafka) {
        return kafka.topics().mirror() + "-sink";
    }

    private static Properties streamsProps(KafkaSettings kafka, SinkSettings settings, String outcomes) {
        Properties p = new Properties();
        p.putAll(kafka.common());
        // one application per sink instance: every instance reads every outcome and serves the whole report
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, (outcomes + "-report-" + settings.instanceId())
                .replaceAll("[^A-Za-z0-9._-]", "_"));
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 500);
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        // Kafka 5's default, set now: without it Streams warns at every start (the report has no global tables);
        // the main consumer's copy too, from which Streams makes its partition assignor's config
        p.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        p.putIfAbsent(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG),
                true);
        try {
            p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("sluice-mirror-report").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** Removes what Kafka Streams left in a directory, and the directory; a leftover is only logged. */
    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.fine("could not remove " + dir + ": " + e);
        }
    }

    private static void ensureOutcomesTopic(KafkaSettings kafka) {
        try (Admin admin = Admin.create(kafka.common())) {
            admin.createTopics(List.of(new NewTopic(outcomesTopic(kafka), Optional.of(1), Optional.empty())
                            .configs(Map.of("cleanup.policy", "delete",
                                    "retention.ms", Long.toString(Duration.ofDays(1).toMillis())))))
                    .all().get(10, TimeUnit.SECONDS);
            while (!admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(outcomesTopic(kafka))) {
                Thread.sleep(20);
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("creating " + outcomesTopic(kafka) + ": " + e.getMessage(), e);
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("creating " + outcomesTopic(kafka) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return server.port();
    }

    /** Mirror-topic records processed and committed. */
    public long consumed() {
        return consumed.get();
    }

    /** Copies sent to a shadow. */
    public long replayed() {
        return replayed.get();
    }

    public boolean ready() {
        return assigned && directory.ready() && streams.state() == KafkaStreams.State.RUNNING;
    }

    private void run() {
        try {
            while (running && directory.view() == null) {
                Thread.sleep(50); // replaying before config and registry are read would find no shadow
            }
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
                assigned = !consumer.assignment().isEmpty();
                if (records.isEmpty()) {
                    continue;
                }
                try {
                    processBatch(records);
                } catch (IllegalStateException e) {
                    LOG.warning("mirror-sink: " + e.getMessage() + "; replaying the batch again");
                    rewind();
                    Thread.sleep(1_000);
                    continue;
                }
                try {
                    consumer.commitSync();
                    consumed.addAndGet(records.count());
                } catch (CommitFailedException e) {
                    // partitions moved to another sink mid-batch: it replays them again (at least once)
                    LOG.info("mirror-sink: commit refused after a rebalance; records will be replayed again");
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "mirror-sink consumer stopped", e);
        } finally {
            consumer.close();
        }
    }

    /** Back to the last commit: the batch's outcomes did not all reach Kafka, so it is done again. */
    private void rewind() {
        Set<TopicPartition> assignment = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assignment);
        for (TopicPartition tp : assignment) {
            OffsetAndMetadata c = committed.get(tp);
            if (c != null) {
                consumer.seek(tp, c.offset());
            } else {
                consumer.seekToBeginning(List.of(tp));
            }
        }
    }

    /** Replays a batch in parallel, then waits for its outcomes to be acknowledged before the commit. */
    private void processBatch(ConsumerRecords<String, byte[]> records) throws InterruptedException {
        ShadowDirectory.View view = directory.view();
        List<Future<List<Outcome>>> pending = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            pending.add(replays.submit(() -> process(r, view)));
        }
        List<Future<?>> acks = new ArrayList<>();
        for (Future<List<Outcome>> f : pending) {
            try {
                for (Outcome o : f.get()) {
                    acks.add(producer.send(new ProducerRecord<>(outcomesTopic, null, o.time(), o.route(), Json.write(o))));
                }
            } catch (ExecutionException e) {
                LOG.log(Level.WARNING, "mirror-sink: a record could not be processed", e.getCause());
            }
        }
        for (Future<?> a : acks) {
            try {
                a.get();
            } catch (ExecutionException e) {
                // without the outcome the commit would lose it: stop here and let the group redeliver
                throw new IllegalStateException("outcome not written: " + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    private List<Outcome> process(ConsumerRecord<String, byte[]> r, ShadowDirectory.View view) {
        MirrorRecord record;
        try {
            record = Json.read(r.value(), MirrorRecord.class);
        } catch (RuntimeException e) {
            LOG.warning("mirror-sink: skipped undecodable record " + r.topic() + "-" + r.partition() + "@" + r.offset());
            return List.of();
        }
        List<Outcome> out = replay.process(record, view);
        out.stream().filter(Outcome::replayed).forEach(o -> replayed.incrementAndGet());
        return out;
    }

    /** The report over {@code ?since=PT1H} (ISO-8601 duration, default one hour) up to now. */
    public Report report(Duration since) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new io.sluice.service.ApiException(503, "ServiceUnavailable",
                    "the report is starting (Kafka Streams is " + streams.state() + ")");
        }
        ReadOnlyWindowStore<String, RouteStats> store = streams.store(StoreQueryParameters.fromNameAndType(
                ReportTopology.STORE, QueryableStoreTypes.windowStore()));
        Instant to = Instant.now();
        Instant from = to.minus(since);
        List<Report.Entry> entries = new ArrayList<>();
        try (KeyValueIterator<Windowed<String>, RouteStats> it = store.fetchAll(from.minus(settings.window()), to)) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, RouteStats> kv = it.next();
                entries.add(new Report.Entry(kv.key.key(), kv.key.window().start(), kv.key.window().end(), kv.value));
            }
        }
        return Report.of(from, to, settings.window(), entries);
    }

    private Duration since(ServerRequest req) {
        String s = req.query().first("since").orElse("PT1H");
        try {
            return Duration.parse(s);
        } catch (RuntimeException e) {
            throw new io.sluice.service.ApiException(400, "BadRequest",
                    "since: an ISO-8601 duration such as PT15M, not " + s);
        }
    }

    private void reportJson(ServerRequest req, ServerResponse res) {
        Http.sendJson(res, 200, report(since(req)));
    }

    private void reportHtml(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8").send(report(since(req)).html());
    }

    @Override
    public void close() {
        running = false;
        try {
            // let the batch in hand finish and commit, so a restart neither repeats nor loses it
            thread.join(15_000);
            if (thread.isAlive()) {
                consumer.wakeup();
                thread.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        replays.shutdownNow();
        replayer.close();
        producer.close(Duration.ofSeconds(2));
        // leave the group so a restarted sink takes the report partition at once, not after the session timeout
        streams.close(CloseOptions.timeout(Duration.ofSeconds(5))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        // the report's local store is rebuilt from its changelog at every start: nothing of it is kept
        streams.cleanUp();
        deleteQuietly(stateDirectory);
        directory.close();
        server.stop();
    }
}
