package io.sluice.registry;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.sluice.kafka.CompactedTopicStore;
import io.sluice.kafka.KafkaSettings;
import io.sluice.kafka.TopicAdmin;
import io.sluice.model.Json;
import io.sluice.model.PersistentMap;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKey;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.model.registry.Workload;
import io.sluice.service.ApiException;
import io.sluice.service.Http;
import io.sluice.service.Servers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * registry-service: takes workload registrations (REST) into the workloads topic, joins them with the
 * Services, ServiceEntries and WorkloadEntries of the config topic, and publishes one record per
 * service to the registry topic. All of its state is in those topics; heartbeats and TTL expiry are
 * {@link Expiry}'s, DNS names {@link NameCache}'s, active health checks {@link HealthChecker}'s.
 */
public final class RegistryService implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RegistryService.class.getName());

    private final KafkaSettings kafka;
    private final String token;
    private final Expiry expiry;
    private final NameCache names;
    private final HealthChecker health;
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("sluice-registry-timers").daemon().factory());
    private final CompactedTopicStore<Resource> config;
    private final CompactedTopicStore<Registration> workloads;
    private final CompactedTopicStore<ServiceEndpoints> published;
    private final KafkaProducer<String, byte[]> producer;
    private final ExecutorService recompute = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("sluice-registry-recompute").daemon().factory());
    private final AtomicBoolean recomputeQueued = new AtomicBoolean();
    /** The config objects endpoints were last computed from; confined to the config store's thread. */
    private PersistentMap<Resource> endpointInputs;
    /** The registrations last looked at; confined to the workloads store's thread. */
    private PersistentMap<Registration> registrations;
    private WebServer server;

    private RegistryService(KafkaSettings kafka, String token, RegistryOptions options) {
        this.kafka = kafka;
        this.token = token;
        this.expiry = new Expiry(options.ttl());
        this.names = new NameCache(options.resolveFile());
        this.health = new HealthChecker(options.healthInterval(), this::scheduleRecompute);
        // specs bound once as records arrive, not at every recompute (a third of one, at 10 000 Services)
        this.config = new CompactedTopicStore<>(kafka, kafka.topics().config(), "sluice-registry-config",
                (k, v, offset) -> EndpointsBuilder.readsFrom(ResourceKey.kindOf(k)) ? Json.fromRecordTyped(v, offset)
                        : null);
        this.workloads = new CompactedTopicStore<>(kafka, kafka.topics().workloads(), "sluice-registry-workloads",
                (k, v, offset) -> Json.read(v, Registration.class));
        this.published = new CompactedTopicStore<>(kafka, kafka.topics().registry(), "sluice-registry-published",
                (k, v, offset) -> Json.read(v, ServiceEndpoints.class));
        this.producer = new KafkaProducer<>(kafka.reliableProducer("sluice-registry-service"));
    }

    public static RegistryService start(KafkaSettings kafka, String host, int port, String token) {
        return start(kafka, host, port, token, RegistryOptions.defaults());
    }

    public static RegistryService start(KafkaSettings kafka, String host, int port, String token,
                                        RegistryOptions options) {
        TopicAdmin.ensureTopics(kafka, Duration.ofMinutes(2));
        RegistryService s = new RegistryService(kafka, token, options);
        s.config.addListener(s::configChanged).start();
        s.workloads.addListener(s::workloadsChanged).start();
        s.workloads.initialLoad().thenRun(() -> s.expiry.hearingSince(System.currentTimeMillis()));
        s.published.start();
        s.server = Servers.start(WebServer.builder().host(host).port(port).routing(s::routing).build(),
                "the registry API on " + host + ":" + port);
        s.scheduleRecompute();
        s.every(s.expiry.sweepPeriod(), s::expire);
        s.every(options.dnsRefresh(), () -> {
            if (s.names.refresh()) {
                s.scheduleRecompute();
            }
        });
        s.every(options.healthInterval(), s.health::probeAll);
        return s;
    }

    private void every(Duration period, Runnable task) {
        timers.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "registry timer task failed; it runs again next period", e);
            }
        }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int port() {
        return server.port();
    }

    public boolean ready() {
        return config.ready() && workloads.ready() && published.ready();
    }

    private void routing(HttpRouting.Builder r) {
        r.get("/healthz/ready", (req, res) -> res.status(ready() ? 200 : 503).send(ready() ? "ready" : "loading"))
                .post("/v1/workloads", Http.api(this::register))
                .delete("/v1/workloads", Http.api(this::deregister))
                .get("/v1/services", Http.api((req, res) -> Http.sendJson(res, 200,
                        published.snapshot().entries().values())));
    }

    private void register(ServerRequest req, ServerResponse res) {
        Http.requireToken(req, token);
        Workload w = parse(req);
        long now = System.currentTimeMillis();
        if (expiry.heartbeat(workloads.get(w.id()), w, now)) {
            Registration r = new Registration(Json.SCHEMA_VERSION, w, now);
            write(w.id(), Json.write(r));
            expiry.wrote(r);
        }
        Http.sendJson(res, 200, Map.of("registered", w.id(), "ttlSeconds", expiry.ttl().toSeconds()));
    }

    private void deregister(ServerRequest req, ServerResponse res) {
        Http.requireToken(req, token);
        Workload w = parse(req);
        expiry.forget(w.id());
        write(w.id(), null);
        Http.sendJson(res, 200, Map.of("deregistered", w.id()));
    }

    private static Workload parse(ServerRequest req) {
        Workload w;
        try {
            w = Json.MAPPER.readValue(req.content().as(String.class), Workload.class);
        } catch (Exception e) {
            throw ApiException.badRequest("the body is not a workload: " + e.getMessage());
        }
        if (w.service() == null || w.service().isBlank()) {
            throw ApiException.badRequest("service: Required value");
        }
        if (w.namespace() == null || w.namespace().isBlank()) {
            throw ApiException.badRequest("namespace: Required value");
        }
        if (w.address() == null || w.address().isBlank()) {
            throw ApiException.badRequest("address: Required value");
        }
        if (w.port() < 1 || w.port() > 65535) {
            throw ApiException.badRequest("port: must be between 1 and 65535");
        }
        if (w.weight() < 1) {
            throw ApiException.badRequest("weight: must be at least 1");
        }
        return w;
    }

    private void write(String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(kafka.topics().workloads(), key, value)).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw ApiException.unavailable("Kafka did not accept the registration: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted");
        }
    }

    /** Tombstones the registrations whose TTL ran out; the tombstones then trigger a recompute. */
    private void expire() {
        if (!workloads.ready()) {
            return;
        }
        List<String> gone = expiry.expired(workloads.snapshot().entries(), System.currentTimeMillis());
        Future<RecordMetadata> last = null;
        for (String id : gone) {
            LOG.info("workload " + id + " stopped heartbeating for " + expiry.ttl() + "; removing it");
            last = producer.send(new ProducerRecord<>(kafka.topics().workloads(), id, null));
        }
        if (last != null) {
            producer.flush();
            // the next sweep must not see them again before the store has
            awaitOwnWrite(workloads, last);
        }
    }

    /**
     * Recomputes when a kind endpoints are built from changed. Most config changes are routes
     * (VirtualServices, DestinationRules) that no endpoint depends on, and recomputing for each took
     * this service's share of the cores while the gateways were compiling the same change. The store
     * holds only those kinds (its decoder skips the rest) and hands over the same object for a record
     * it did not re-read, so identity tells what changed.
     */
    private void configChanged(CompactedTopicStore.Snapshot<Resource> snapshot) {
        PersistentMap<Resource> inputs = snapshot.entries();
        if (endpointInputs != null && PersistentMap.changedKeys(endpointInputs, inputs).isEmpty()) {
            return;
        }
        endpointInputs = inputs;
        scheduleRecompute();
    }

    /** Recomputes when a workload came, went or changed; not for a heartbeat's refresh of its record. */
    private void workloadsChanged(CompactedTopicStore.Snapshot<Registration> snapshot) {
        PersistentMap<Registration> now = snapshot.entries();
        PersistentMap<Registration> before = registrations;
        registrations = now;
        if (before == null || !Registration.sameWorkloads(before, now)) {
            scheduleRecompute();
        }
    }

    /** Coalesces bursts of changes into one recomputation on one thread. */
    private void scheduleRecompute() {
        if (recomputeQueued.compareAndSet(false, true)) {
            recompute.execute(() -> {
                recomputeQueued.set(false);
                try {
                    publishChanges();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "registry recompute failed; will retry on the next change", e);
                }
            });
        }
    }

    private void publishChanges() {
        if (!ready()) {
            // computing from half-read topics would publish deletions of services not yet seen
            config.initialLoad().thenCombine(workloads.initialLoad(), (a, b) -> b)
                    .thenCombine(published.initialLoad(), (a, b) -> b)
                    .thenRun(this::scheduleRecompute);
            return;
        }
        var resources = config.snapshot().entries().values();
        Map<String, ServiceEndpoints> wanted = health.apply(EndpointsBuilder.build(resources,
                        workloads.snapshot().entries().values().stream().map(Registration::workload).toList(), names),
                EndpointsBuilder.healthPaths(resources));
        Map<String, ServiceEndpoints> current = published.snapshot().entries();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        wanted.forEach((host, s) -> {
            if (!Objects.equals(current.get(host), s)) {
                sent.add(producer.send(new ProducerRecord<>(kafka.topics().registry(), host, Json.write(s))));
            }
        });
        current.keySet().stream().filter(h -> !wanted.containsKey(h))
                .forEach(h -> sent.add(producer.send(new ProducerRecord<>(kafka.topics().registry(), h, null))));
        if (sent.isEmpty()) {
            return;
        }
        producer.flush();
        // our own writes come back through the published store; the next diff must see them
        awaitOwnWrite(published, sent.getLast());
    }

    /**
     * Waits until {@code view} holds our write {@code last} and those before it (one partition): its
     * offset is known, so there is no need to ask the broker where the topic ends. Gives up after 10 s;
     * the next round then works from what the view holds.
     */
    private static void awaitOwnWrite(CompactedTopicStore<?> view, Future<RecordMetadata> last) {
        try {
            view.awaitRevision(last.get().offset()).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warning("own write to " + view.topic() + " not seen by this service's view: " + e.getMessage()
                    + "; the next round works from what it holds then");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop();
        }
        timers.shutdownNow();
        recompute.shutdownNow();
        config.close();
        workloads.close();
        published.close();
        producer.close(Duration.ofSeconds(2));
    }
}
