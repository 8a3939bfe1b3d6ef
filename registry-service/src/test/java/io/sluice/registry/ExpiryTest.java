package io.sluice.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.model.Json;
import io.sluice.model.registry.Workload;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExpiryTest {

    private static final Workload W = new Workload("reviews", "default", "127.0.0.1", 9001, 80, Map.of("version", "v1"));
    private static final Workload W_RELABELLED = new Workload("reviews", "default", "127.0.0.1", 9001, 80,
            Map.of("version", "v2"));

    private static Registration stored(Workload w, long at) {
        return new Registration(Json.SCHEMA_VERSION, w, at);
    }

    @ParameterizedTest(name = "stored at {0}, heartbeat at {1}, same workload {2} -> write {3}")
    @CsvSource({
            // TTL 10 s: a record is rewritten once the stored one is half a TTL old
            "-1, 0, true, true", // nothing stored: a new workload
            "0, 1000, true, false",
            "0, 4999, true, false",
            "0, 5000, true, true",
            "0, 1000, false, true", // labels changed: written at once
    })
    void writesAHeartbeatOnlyWhenNewChangedOrHalfATtlOld(long storedAt, long now, boolean same, boolean write) {
        Expiry e = new Expiry(Duration.ofSeconds(10));
        Registration r = storedAt < 0 ? null : stored(W, storedAt);
        assertEquals(write, e.heartbeat(r, same ? W : W_RELABELLED, now));
    }

    @Test
    void aHeartbeatBeforeThisReplicasViewReadsBackItsOwnWriteIsNotWrittenAgain() {
        Expiry e = new Expiry(Duration.ofSeconds(10));
        assertTrue(e.heartbeat(null, W, 0));
        e.wrote(stored(W, 0));
        assertFalse(e.heartbeat(null, W, 20), "the view has not read the record back yet");
        assertTrue(e.heartbeat(null, W_RELABELLED, 30), "a change is still written at once");
        assertTrue(e.heartbeat(null, W, 5_000), "half a TTL after the write");
    }

    @Test
    void expiresATtlAfterTheLastHeartbeatStoredOrHeard() {
        Expiry e = new Expiry(Duration.ofSeconds(10));
        Map<String, Registration> stored = Map.of(W.id(), stored(W, 0));
        assertEquals(List.of(), e.expired(stored, 9_999));
        assertEquals(List.of(W.id()), e.expired(stored, 10_000));
        e.heartbeat(stored.get(W.id()), W, 4_000); // heard, not written
        assertEquals(List.of(), e.expired(stored, 13_999));
        assertEquals(List.of(W.id()), e.expired(stored, 14_000));
    }

    @Test
    void aRestartedServiceCountsFromTheStoredHeartbeat() {
        Expiry before = new Expiry(Duration.ofSeconds(10));
        before.heartbeat(null, W, 0);
        Map<String, Registration> stored = Map.of(W.id(), stored(W, 0));
        Expiry restarted = new Expiry(Duration.ofSeconds(10));
        assertEquals(List.of(W.id()), restarted.expired(stored, 10_000));
    }

    @Test
    void aServiceRestartedAfterALongOutageGivesStoredWorkloadsHalfATtlToBeHeard() {
        Map<String, Registration> stored = Map.of(W.id(), stored(W, 0));
        Expiry restarted = new Expiry(Duration.ofSeconds(10));
        restarted.hearingSince(60_000); // was down for a minute
        assertEquals(List.of(), restarted.expired(stored, 60_001));
        assertEquals(List.of(), restarted.expired(stored, 64_999));
        assertEquals(List.of(W.id()), restarted.expired(stored, 65_000)); // not heard since: gone
        restarted.heartbeat(stored.get(W.id()), W, 63_000);
        assertEquals(List.of(), restarted.expired(stored, 72_999));
    }

    @Test
    void forgetsWhatIsNoLongerStored() {
        Expiry e = new Expiry(Duration.ofSeconds(10));
        e.heartbeat(null, W, 50_000);
        e.expired(Map.of(), 50_000);
        // a re-registration stored long ago is not kept alive by the forgotten heartbeat
        assertEquals(List.of(W.id()), e.expired(Map.of(W.id(), stored(W, 0)), 50_001));
    }

    @ParameterizedTest(name = "TTL {0} ms sweeps every {1} ms")
    @CsvSource({"10000, 500", "200, 50", "60000, 1000"})
    void sweepsATwentiethOfTheTtlBetween50msAnd1s(long ttl, long period) {
        assertEquals(Duration.ofMillis(period), new Expiry(Duration.ofMillis(ttl)).sweepPeriod());
    }

    @Test
    void refusesANonPositiveTtl() {
        assertThrows(IllegalArgumentException.class, () -> new Expiry(Duration.ZERO));
    }
}
