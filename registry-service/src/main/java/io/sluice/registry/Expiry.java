package io.sluice.registry;

import io.sluice.model.registry.Workload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Heartbeats and the TTL of registered workloads.
 *
 * <p>A plain design rather than Kafka Streams: the registrations already live in the compacted
 * workloads topic, which registry-service reads whole into a {@code CompactedTopicStore}. A periodic
 * sweep over that view tombstones the registrations whose last heartbeat is older than the TTL; the
 * tombstone is what removes the workload from the published endpoints, on every replica alike. A
 * Streams punctuator would need a second copy of the same state (a RocksDB store and its changelog
 * topic) and a consumer group, and would buy only single ownership of the sweep, which a tombstone
 * does not need: two replicas writing the same tombstone is harmless.
 *
 * <p>Heartbeats do not each cost a Kafka record: a heartbeat is written only when the workload is new
 * or changed, or the stored record is half a TTL old. Between writes, the last heartbeat is kept in
 * memory. After a restart only the stored time is known, which lags the true one by at most half a
 * TTL plus one heartbeat interval; so expiry survives a restart as long as workloads heartbeat more
 * often than every half TTL ({@code ./sluice backend} sends one every 3 s; the default TTL is 10 s).
 *
 * <p>A registry that was down longer than a TTL finds every stored heartbeat too old, though the
 * workloads kept running and only could not reach it. So a replica counts no heartbeat as older than
 * half a TTL before it began to hear heartbeats (its workloads view was read to the end): each stored
 * workload gets at least half a TTL after that, in which it heartbeats at least once, and a registry
 * outage never empties the endpoints gateways serve. A workload that fell silent shortly before the
 * restart still leaves a TTL after its last heartbeat.
 */
final class Expiry {

    private final long ttlMillis;
    /** Half a TTL before this replica began to hear heartbeats: no heartbeat counts as older. */
    private volatile long heardNoEarlierThan = Long.MIN_VALUE;
    /** Last heartbeat this replica took per workload id, newer than the stored one between writes. */
    private final Map<String, Long> heardAt = new ConcurrentHashMap<>();
    /**
     * What this replica last wrote per workload id, once Kafka took it: its own view of the topic reads
     * the record back a few milliseconds later, and a heartbeat in between must not write it again.
     */
    private final Map<String, Registration> written = new ConcurrentHashMap<>();

    Expiry(Duration ttl) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("--ttl: must be positive, not " + ttl);
        }
        this.ttlMillis = ttl.toMillis();
    }

    /** This replica hears heartbeats from {@code millis} on (its workloads view is read to the end). */
    void hearingSince(long millis) {
        heardNoEarlierThan = millis - ttlMillis / 2;
    }

    Duration ttl() {
        return Duration.ofMillis(ttlMillis);
    }

    /**
     * Notes a heartbeat at {@code now}.
     *
     * @param stored the workload's record in the workloads topic, or null
     * @return true when a record must be written: a new or changed workload, or a stored time half a
     *         TTL old
     */
    boolean heartbeat(Registration stored, Workload w, long now) {
        heardAt.put(w.id(), now);
        Registration mine = written.get(w.id());
        Registration known = mine != null && (stored == null || mine.heartbeatMillis() > stored.heartbeatMillis())
                ? mine : stored;
        return known == null || !known.workload().equals(w) || now - known.heartbeatMillis() >= ttlMillis / 2;
    }

    /** A registration this replica wrote and Kafka acknowledged. */
    void wrote(Registration r) {
        written.put(r.workload().id(), r);
    }

    void forget(String id) {
        heardAt.remove(id);
        written.remove(id);
    }

    /** The ids whose last heartbeat, stored or heard here (at the earliest half a TTL before this replica began to hear them), is a TTL or more before {@code now}. */
    List<String> expired(Map<String, Registration> stored, long now) {
        List<String> out = new ArrayList<>();
        stored.forEach((id, r) -> {
            long last = Math.max(Math.max(r.heartbeatMillis(), heardAt.getOrDefault(id, Long.MIN_VALUE)),
                    heardNoEarlierThan);
            if (now - last >= ttlMillis) {
                out.add(id);
            }
        });
        // ids no longer stored (deregistered, or expired by another replica) need no memory here; nor do
        // writes older than a TTL, which the view has long read back
        heardAt.keySet().retainAll(stored.keySet());
        written.values().removeIf(w -> now - w.heartbeatMillis() >= ttlMillis);
        return out;
    }

    /** How often to sweep: often enough that a workload leaves at most a twentieth of a TTL late. */
    Duration sweepPeriod() {
        return Duration.ofMillis(Math.clamp(ttlMillis / 20, 50, 1000));
    }
}
