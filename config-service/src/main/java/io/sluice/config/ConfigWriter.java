package io.sluice.config;

import io.sluice.kafka.CompactedTopicStore;
import io.sluice.kafka.KafkaSettings;
import io.sluice.kafka.secrets.SecretKeys;
import io.sluice.model.Json;
import io.sluice.model.ObjectMeta;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKey;
import io.sluice.service.ApiException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;

/**
 * The single writer of the config topic, with optimistic concurrency across replicas.
 *
 * <p>Every config-service replica uses the same transactional id. Kafka lets only the producer that
 * initialised last commit (the others are fenced), and initialising completes whatever the previous
 * holder left open. So a write that (1) holds the id, (2) reads the topic to its end, (3) checks
 * resourceVersions against what it read and (4) commits, commits only if no other replica wrote in
 * between: had one done so, it would have fenced us first and our commit fails, and we retry from (1)
 * and then see its write. That is a compare-and-set over the whole topic without another database and
 * without a Streams hop; a multi-document apply is one transaction, so readers never see half of it.
 */
final class ConfigWriter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ConfigWriter.class.getName());
    private static final int ATTEMPTS = 5;
    private static final long WRITE_TIMEOUT_MS = 10_000;

    /** One object to write: the resource, or a delete when {@code delete} is true. */
    record Change(Resource resource, ResourceKey key, boolean delete, boolean checkVersion) {

        /** A Secret's stringData is folded into data first, as Kubernetes stores it. */
        static Change put(Resource r) {
            return new Change(SecretKeys.foldStringData(r), r.key(), false, r.metadata().resourceVersion() != null);
        }

        static Change delete(ResourceKey key, String expectedVersion) {
            return new Change(null, key, true, expectedVersion != null);
        }
    }

    private final KafkaSettings settings;
    private final String topic;
    private final String transactionalId;
    private final CompactedTopicStore<Resource> store;
    private KafkaProducer<String, byte[]> producer;

    ConfigWriter(KafkaSettings settings, String transactionalId, CompactedTopicStore<Resource> store) {
        this.settings = settings;
        this.topic = settings.topics().config();
        this.transactionalId = transactionalId;
        this.store = store;
    }

    /**
     * Writes all changes in one transaction, or none. Synchronized: a producer runs one transaction at
     * a time, and writes from one replica are ordered anyway.
     *
     * @param expectedVersions for deletes with a precondition: the resourceVersion the client saw
     */
    synchronized List<Outcome> write(List<Change> changes, Map<ResourceKey, String> expectedVersions) {
        KafkaException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                return attempt(changes, expectedVersions);
            } catch (ProducerFencedException | InvalidProducerEpochException e) {
                // another replica took the writer role since we checked: re-read and check again
                last = e;
                reset();
            } catch (KafkaException e) {
                reset();
                throw ApiException.unavailable("Kafka did not accept the write: " + e.getMessage());
            }
        }
        throw ApiException.unavailable("could not become the config writer after " + ATTEMPTS + " tries: "
                + (last == null ? "" : last.getMessage()));
    }

    private List<Outcome> attempt(List<Change> changes, Map<ResourceKey, String> expectedVersions) {
        KafkaProducer<String, byte[]> p = producer();
        awaitStoreAtEnd();
        List<Outcome> outcomes = new ArrayList<>();
        List<Planned> planned = new ArrayList<>();
        Map<ResourceKey, Resource> pending = new HashMap<>();
        for (Change c : changes) {
            Resource current = pending.containsKey(c.key()) ? pending.get(c.key()) : store.get(c.key().topicKey());
            String expected = c.delete() ? expectedVersions.get(c.key())
                    : c.checkVersion() ? c.resource().metadata().resourceVersion() : null;
            if (expected != null && (current == null || !expected.equals(current.metadata().resourceVersion()))) {
                throw ApiException.conflict("Operation cannot be fulfilled on " + c.key().displayName()
                        + ": the object has been modified; please apply your changes to the latest version"
                        + " and try again");
            }
            if (c.delete()) {
                if (current == null) {
                    throw ApiException.notFound(c.key().displayName() + " not found");
                }
                planned.add(new Planned(c.key(), null, "deleted"));
                pending.put(c.key(), null);
                continue;
            }
            Resource next = withServerFields(c.resource(), current);
            if (current != null && current.sameContent(next)) {
                outcomes.add(new Outcome(c.key().displayName(), c.key().namespace(), "unchanged",
                        current.metadata().resourceVersion(), null));
                continue;
            }
            planned.add(new Planned(c.key(), next, current == null ? "created" : "configured"));
            pending.put(c.key(), next);
        }
        if (planned.isEmpty()) {
            return outcomes;
        }
        List<byte[]> values = new ArrayList<>();
        for (Planned w : planned) {
            values.add(w.resource() == null ? null : Json.toRecord(sealed(w.resource())));
        }
        p.beginTransaction();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try {
            for (int i = 0; i < planned.size(); i++) {
                sent.add(p.send(new ProducerRecord<>(topic, planned.get(i).key().topicKey(), values.get(i))));
            }
            p.commitTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            throw e;
        } catch (KafkaException e) {
            abortQuietly(p);
            throw e;
        }
        for (int i = 0; i < planned.size(); i++) {
            Planned w = planned.get(i);
            outcomes.add(new Outcome(w.key().displayName(), w.key().namespace(), w.action(),
                    Long.toString(offset(sent.get(i))), null));
        }
        return outcomes;
    }

    /** Secret data is encrypted before it reaches Kafka; the store opens it again when it reads. */
    private Resource sealed(Resource r) {
        try {
            return settings.secretKeys().seal(r);
        } catch (IllegalStateException e) {
            throw new ApiException(500, "InternalError", e.getMessage());
        }
    }

    private record Planned(ResourceKey key, Resource resource, String action) {
    }

    /** uid and creationTimestamp survive updates; generation counts spec changes. */
    private static Resource withServerFields(Resource incoming, Resource current) {
        ObjectMeta m = incoming.metadata();
        if (current == null) {
            return incoming.withMetadata(m.withServerFields(UUID.randomUUID().toString(),
                    Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), 1L, null));
        }
        ObjectMeta cm = current.metadata();
        long generation = Objects.requireNonNullElse(cm.generation(), 1L)
                + (incoming.body().equals(current.body()) ? 0 : 1);
        return incoming.withMetadata(m.withServerFields(cm.uid(), cm.creationTimestamp(), generation,
                cm.resourceVersion()));
    }

    private void awaitStoreAtEnd() {
        try {
            store.readToEnd().get(WRITE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw ApiException.unavailable("Kafka is not reachable: could not read the config topic within "
                    + WRITE_TIMEOUT_MS / 1000 + " s; nothing was written");
        } catch (ExecutionException e) {
            throw ApiException.unavailable("config store failed: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted");
        }
    }

    private static long offset(Future<RecordMetadata> f) {
        try {
            return f.get(WRITE_TIMEOUT_MS, TimeUnit.MILLISECONDS).offset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            // the transaction committed, so the record is there; only its offset is unknown
            return -1;
        }
    }

    private KafkaProducer<String, byte[]> producer() {
        if (producer == null) {
            Map<String, Object> props = settings.reliableProducer("sluice-config-writer");
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
            props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 15_000);
            KafkaProducer<String, byte[]> p = new KafkaProducer<>(props);
            try {
                p.initTransactions();
            } catch (KafkaException e) {
                p.close(java.time.Duration.ZERO);
                throw e;
            }
            producer = p;
        }
        return producer;
    }

    private void reset() {
        if (producer != null) {
            try {
                producer.close(java.time.Duration.ofMillis(500));
            } catch (KafkaException e) {
                LOG.fine("closing producer: " + e.getMessage());
            }
            producer = null;
        }
    }

    private static void abortQuietly(KafkaProducer<String, byte[]> p) {
        try {
            p.abortTransaction();
        } catch (KafkaException e) {
            LOG.fine("abort: " + e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        reset();
    }
}
