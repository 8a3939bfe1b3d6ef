package io.sluice.registry;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.model.Json;
import io.sluice.model.PersistentMap;
import io.sluice.model.registry.Workload;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistrationTest {

    private static final Workload REVIEWS = new Workload("reviews", "default", "127.0.0.1", 9001, 80, Map.of("version", "v1"));
    private static final Workload RATINGS = new Workload("ratings", "default", "127.0.0.1", 9002, 80, Map.of("version", "v1"));

    /** Endpoints are recomputed for workloads that came, went or changed, not for refreshed heartbeats. */
    @Test
    void onlyAHeartbeatRefreshLeavesTheWorkloadsTheSame() {
        PersistentMap<Registration> before = PersistentMap.<Registration>empty()
                .with("reviews-1", registration(REVIEWS, 1_000))
                .with("ratings-1", registration(RATINGS, 1_000));

        assertTrue(Registration.sameWorkloads(before, before.with("reviews-1", registration(REVIEWS, 6_000))));
        assertFalse(Registration.sameWorkloads(before, before.with("reviews-1", registration(
                new Workload("reviews", "default", "127.0.0.1", 9001, 80, Map.of("version", "v2")), 6_000))));
        assertFalse(Registration.sameWorkloads(before, before.without("ratings-1")));
        assertFalse(Registration.sameWorkloads(before, before.with("reviews-2", registration(REVIEWS, 6_000))));
    }

    private static Registration registration(Workload w, long at) {
        return new Registration(Json.SCHEMA_VERSION, w, at);
    }
}
