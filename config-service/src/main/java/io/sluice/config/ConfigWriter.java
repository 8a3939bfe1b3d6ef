package io.sluice.config;

import io.sluice.kafka.CompactedTopicStore;
import io.sluice.kafka.KafkaSettings;
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
 * <p>Every config-service replica uses the same transactional id, so Kafka lets only the producer that
 * initialised last commit: {@code initTransactions} bumps the epoch, which fences every earlier holder,
 * and it returns only after the previous holder's transaction is finished (an open one is aborted; one
 * whose commit is prepared gets its markers written first). A write (1) holds the id, (2) plans against
 * this replica's view of the topic, (3) commits, and (4) replies only once its own view contains the
 * records. The commit succeeds only if no other replica initialised since our own initialisation; any
 * write by another replica needs such an initialisation, so a successful commit proves the plan was made
 * against every write there is, and the check-then-write is a compare-and-set over the whole topic.
 *
 * <p>Two facts about read_committed readers make steps (2) and (4) necessary, not cosmetic. A commit
 * returns once the coordinator has logged its decision; the markers that make the records visible to
 * read_committed consumers (the last stable offset) are written a little later. So a writer that
 * planned its next write right after a commit could miss its own previous one; step (4) closes that
 * gap. And the view must be complete when a replica takes over: after {@code initTransactions} the
 * previous holder's markers are written, so reading to the end then sees everything.
 *
 * <p>Hence the fast path: while this replica holds the id and has read to the end since it took it,
 * its view is the whole truth unless another replica took the id, in which case our commit fails and we
 * retry from (1). A plan that writes nothing (unchanged, conflict, not found) is not proven by a commit,
 * so it is re-made after a read to the end before it is answered.
 *
 * <p>A multi-document apply is one transaction, so readers never see half of it.
 */
final class ConfigWriter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ConfigWriter.class.getName());
    private static final int ATTEMPTS = 5;
    private static final long WRITE_TIMEOUT_MS = 10_000;

    /**
     * One object to write: the resource, or a delete when {@code resource} is null.
     *
     * @param expectedVersion the resourceVersion the object must have now, or null for no check
     * @param mustNotExist    a create (POST): the object must not exist yet
     */
    record Change(ResourceKey key, Resource resource, String expectedVersion, boolean mustNotExist) {

        /** An apply or PUT; a resourceVersion in the object is the version it must replace. */
        static Change put(Resource r) {
            return new Change(r.key(), r, r.metadata().resourceVersion(), false);
        }

        static Change create(Resource r) {
            return new Change(r.key(), r, null, true);
        }

        static Change delete(ResourceKey key, String expectedVersion) {
            return new Change(key, null, expectedVersion, false);
        }

        boolean delete() {
            return resource == null;
        }
    }

    private final KafkaSettings settings;
    private final String topic;
    private final String transactionalId;
    private final CompactedTopicStore<Resource> store;
    private KafkaProducer<String, byte[]> producer;
    /** True while the view holds every write: read to the end since our producer took the id. */
    private boolean viewComplete;

    ConfigWriter(KafkaSettings settings, String transactionalId, CompactedTopicStore<Resource> store) {
        this.settings = settings;
        this.topic = settings.topics().config();
        this.transactionalId = transactionalId;
        this.store = store;
    }

    /**
     * Writes all changes in one transaction, or none. Synchronized: a producer runs one transaction at
     * a time, and the fast path relies on this replica's writes being ordered.
     */
    synchronized List<Outcome> write(List<Change> changes) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                return attempt(changes);
            } catch (KafkaException | IllegalStateException e) {
                // IllegalStateException: the producer refuses a transaction call after an earlier failure
                reset();
                if (!fenced(e)) {
                    throw ApiException.unavailable("Kafka did not accept the write: " + e.getMessage());
                }
                // another replica took the writer role since we last held it: take it back, read, re-plan
                last = e;
            }
        }
        throw ApiException.unavailable("could not become the config writer after " + ATTEMPTS + " tries: "
                + (last == null ? "" : last.getMessage()));
    }

    private List<Outcome> attempt(List<Change> changes) {
        KafkaProducer<String, byte[]> p = producer();
        boolean fresh = false;
        if (!viewComplete) {
            awaitStoreAtEnd();
            viewComplete = true;
            fresh = true;
        }
        Plan plan;
        try {
            plan = plan(changes);
        } catch (ApiException e) {
            if (fresh) {
                throw e;
            }
            awaitStoreAtEnd();
            plan = plan(changes);
        }
        if (plan.writes().isEmpty() && !fresh) {
            // "unchanged" is an answer about the latest state, which only a read to the end proves
            awaitStoreAtEnd();
            plan = plan(changes);
        }
        if (plan.writes().isEmpty()) {
            return plan.outcomes();
        }
        List<Outcome> outcomes = new ArrayList<>(plan.outcomes());
        p.beginTransaction();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try {
            for (Planned w : plan.writes()) {
                byte[] value = w.resource() == null ? null : Json.toRecord(w.resource());
                sent.add(p.send(new ProducerRecord<>(topic, w.key().topicKey(), value)));
            }
            p.commitTransaction();
        } catch (KafkaException e) {
            if (!fenced(e)) {
                abortQuietly(p);
            }
            throw e;
        }
        long last = -1;
        for (int i = 0; i < plan.writes().size(); i++) {
            Planned w = plan.writes().get(i);
            long offset = offset(sent.get(i));
            last = Math.max(last, offset);
            outcomes.add(new Outcome(w.key().displayName(), w.key().namespace(), w.action(),
                    Long.toString(offset), null));
        }
        awaitOwnWrite(last);
        return outcomes;
    }

    private record Plan(List<Outcome> outcomes, List<Planned> writes) {
    }

    /** Decides each change against the current view; throws on a failed precondition. */
    private Plan plan(List<Change> changes) {
        List<Outcome> outcomes = new ArrayList<>();
        List<Planned> planned = new ArrayList<>();
        Map<ResourceKey, Resource> pending = new HashMap<>();
        for (Change c : changes) {
            Resource current = pending.containsKey(c.key()) ? pending.get(c.key()) : store.get(c.key().topicKey());
            if (c.mustNotExist() && current != null) {
                throw new ApiException(409, "AlreadyExists", c.key().displayName() + " already exists");
            }
            String expected = c.expectedVersion();
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
        return new Plan(outcomes, planned);
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

    /**
     * Waits until this replica's view holds the write just committed, so the next plan (and a read
     * right after the reply) sees it. If that takes too long the view may lag: give up the id, so the
     * next write takes it again and reads to the end first.
     */
    private void awaitOwnWrite(long offset) {
        if (offset < 0) {
            reset();
            return;
        }
        try {
            store.awaitRevision(offset).get(WRITE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warning("committed at offset " + offset + " but the config view did not show it within "
                    + WRITE_TIMEOUT_MS + " ms; the next write reads the topic to its end first");
            reset();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reset();
        }
    }

    /** Another producer took the transactional id: our epoch is stale, the transaction cannot commit. */
    private static boolean fenced(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) {
                return true;
            }
        }
        return false;
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
        viewComplete = false;
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
        } catch (KafkaException | IllegalStateException e) {
            LOG.fine("abort: " + e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        reset();
    }
}
