package io.sluice.gateway.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.routing.Cluster;
import io.sluice.routing.ClusterPolicy;
import io.sluice.routing.ClusterPolicy.Algorithm;
import io.sluice.routing.Upstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class LoadBalancerTest {

    static final List<Upstream> FOUR = IntStream.rangeClosed(1, 4)
            .mapToObj(i -> new Upstream("10.0.0." + i, 8080, Map.of())).toList();

    static Cluster cluster(List<Upstream> endpoints, ClusterPolicy.LoadBalancer lb) {
        return new Cluster("svc.ns.svc.cluster.local", 80, "", "unknown", endpoints, false,
                new ClusterPolicy(lb, ClusterPolicy.ConnectionPool.UNLIMITED, null), null, false);
    }

    static final ClusterPolicy.LoadBalancer HASH = new ClusterPolicy.LoadBalancer(Algorithm.CONSISTENT_HASH,
            ClusterPolicy.HashSource.HEADER, "x-user");

    @Test
    void roundRobinVisitsEveryEndpointInTurn() {
        Cluster c = cluster(FOUR, ClusterPolicy.LoadBalancer.ROUND_ROBIN);
        ClusterState s = new ClusterState();
        List<Upstream> picks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            picks.add(LoadBalancer.choose(c, s, null, Set.of(), new Random(1), 0));
        }
        assertEquals(FOUR, picks.subList(0, 4));
        assertEquals(FOUR, picks.subList(4, 8));
    }

    @Test
    void ejectedEndpointsAreSkippedAndAllEjectedMeansNone() {
        Cluster c = cluster(FOUR.subList(0, 2), ClusterPolicy.LoadBalancer.ROUND_ROBIN);
        ClusterState s = new ClusterState();
        var outlier = new ClusterPolicy.Outlier(1, 0, Duration.ofSeconds(10), Duration.ofSeconds(30), 100, 0);
        s.record(s.endpoint(FOUR.get(0).authority()), 503, outlier, 2, 0);
        for (int i = 0; i < 4; i++) {
            assertEquals(FOUR.get(1), LoadBalancer.choose(c, s, null, Set.of(), new Random(), 0));
        }
        s.record(s.endpoint(FOUR.get(1).authority()), 503, outlier, 2, 0);
        assertNull(LoadBalancer.choose(c, s, null, Set.of(), new Random(), 0));
        long later = Duration.ofSeconds(31).toNanos();
        assertTrue(LoadBalancer.choose(c, s, null, Set.of(), new Random(), later) != null, "ejections end");
    }

    /** Weights 5, 1 and 1 (a WorkloadEntry's weight). */
    static final List<Upstream> WEIGHTED = List.of(new Upstream("10.0.0.1", 8080, Map.of(), 5),
            new Upstream("10.0.0.2", 8080, Map.of(), 1), new Upstream("10.0.0.3", 8080, Map.of(), 1));

    @Test
    void weightedRoundRobinGivesEachItsShareSpreadOverTheCycle() {
        Cluster c = cluster(WEIGHTED, ClusterPolicy.LoadBalancer.ROUND_ROBIN);
        ClusterState s = new ClusterState();
        List<Upstream> picks = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            picks.add(LoadBalancer.choose(c, s, null, Set.of(), new Random(1), 0));
        }
        Upstream a = WEIGHTED.get(0);
        Upstream b = WEIGHTED.get(1);
        Upstream cc = WEIGHTED.get(2);
        assertEquals(List.of(a, a, b, a, cc, a, a), picks.subList(0, 7));
        assertEquals(picks.subList(0, 7), picks.subList(7, 14));
    }

    @ParameterizedTest
    @EnumSource(value = Algorithm.class, names = {"RANDOM", "LEAST_REQUEST", "CONSISTENT_HASH"})
    void everyAlgorithmGivesAnEndpointItsWeightsShare(Algorithm algorithm) {
        Cluster c = cluster(WEIGHTED, algorithm == Algorithm.CONSISTENT_HASH ? HASH
                : new ClusterPolicy.LoadBalancer(algorithm, null, null));
        ClusterState s = new ClusterState();
        Random random = new Random(3);
        Map<Upstream, Integer> counts = new HashMap<>();
        for (int i = 0; i < 7000; i++) {
            counts.merge(LoadBalancer.choose(c, s, "user-" + i, Set.of(), random, 0), 1, Integer::sum);
        }
        assertEquals(5000, counts.get(WEIGHTED.get(0)), 250, counts::toString);
        assertEquals(1000, counts.get(WEIGHTED.get(1)), 150, counts::toString);
        assertEquals(1000, counts.get(WEIGHTED.get(2)), 150, counts::toString);
    }

    @Test
    void weightedHashingMovesOnlyTheKeysOfARemovedEndpoint() {
        Cluster all = cluster(WEIGHTED, HASH);
        Cluster without = cluster(WEIGHTED.subList(0, 2), HASH);
        ClusterState s = new ClusterState();
        for (int i = 0; i < 1000; i++) {
            Upstream before = LoadBalancer.choose(all, s, "user-" + i, Set.of(), new Random(), 0);
            Upstream after = LoadBalancer.choose(without, s, "user-" + i, Set.of(), new Random(), 0);
            if (!before.equals(WEIGHTED.get(2))) {
                assertEquals(before, after, "user-" + i);
            }
        }
    }

    /** Two endpoints in the node's zone (priority 0) and two a region away (priority 3). */
    static final List<Upstream> ZONED = List.of(
            new Upstream("10.0.0.1", 8080, Map.of(), "10.0.0.1:8080", 0, 1),
            new Upstream("10.0.0.2", 8080, Map.of(), "10.0.0.2:8080", 0, 1),
            new Upstream("10.0.1.1", 8080, Map.of(), "10.0.1.1:8080", 3, 1),
            new Upstream("10.0.1.2", 8080, Map.of(), "10.0.1.2:8080", 3, 1));

    @Test
    void theNearestLocalityTakesTheTrafficAndHandsOnTheShareItsEjectionsCost() {
        var outlier = new ClusterPolicy.Outlier(1, 0, Duration.ofSeconds(10), Duration.ofSeconds(30), 100, 0);
        Cluster c = new Cluster("svc.ns.svc.cluster.local", 80, "", "unknown", ZONED, false,
                new ClusterPolicy(ClusterPolicy.LoadBalancer.ROUND_ROBIN, ClusterPolicy.ConnectionPool.UNLIMITED,
                        outlier), null, false);
        ClusterState s = new ClusterState();
        Random random = new Random(7);
        Map<Integer, Integer> byPriority = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            byPriority.merge(LoadBalancer.choose(c, s, null, Set.of(), random, 0).priority(), 1, Integer::sum);
        }
        assertEquals(Map.of(0, 1000), byPriority, "all healthy: the near zone takes everything");

        s.record(s.endpoint(ZONED.get(0).authority()), 503, outlier, 4, 0);
        byPriority.clear();
        for (int i = 0; i < 10_000; i++) {
            byPriority.merge(LoadBalancer.choose(c, s, null, Set.of(), random, 0).priority(), 1, Integer::sum);
        }
        // half the near zone healthy: 1.4 × 50 % = 70 % stays, 30 % goes a region away
        assertEquals(7000, byPriority.get(0), 200);
        assertEquals(3000, byPriority.get(3), 200);

        s.record(s.endpoint(ZONED.get(1).authority()), 503, outlier, 4, 0);
        for (int i = 0; i < 100; i++) {
            assertEquals(3, LoadBalancer.choose(c, s, null, Set.of(), random, 0).priority(), "the near zone is out");
        }
    }

    @Test
    void belowMinHealthPercentEjectionsAreIgnoredAndEveryEndpointServes() {
        var outlier = new ClusterPolicy.Outlier(1, 0, Duration.ofSeconds(10), Duration.ofSeconds(30), 100, 50);
        Cluster c = new Cluster("svc.ns.svc.cluster.local", 80, "", "unknown", FOUR, false,
                new ClusterPolicy(ClusterPolicy.LoadBalancer.ROUND_ROBIN, ClusterPolicy.ConnectionPool.UNLIMITED,
                        outlier), null, false);
        ClusterState s = new ClusterState();
        s.record(s.endpoint(FOUR.get(0).authority()), 503, outlier, 4, 0);
        s.record(s.endpoint(FOUR.get(1).authority()), 503, outlier, 4, 0);
        Set<Upstream> picked = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            picked.add(LoadBalancer.choose(c, s, null, Set.of(), new Random(), 0));
        }
        assertEquals(Set.copyOf(FOUR.subList(2, 4)), picked, "half the hosts left: ejections still hold");
        s.record(s.endpoint(FOUR.get(2).authority()), 503, outlier, 4, 0);
        picked.clear();
        for (int i = 0; i < 8; i++) {
            picked.add(LoadBalancer.choose(c, s, null, Set.of(), new Random(), 0));
        }
        assertEquals(Set.copyOf(FOUR), picked, "a quarter left, under 50 %: every host takes traffic");
    }

    @Test
    void anEndpointThatJoinsWarmsUpFromItsMinimumShareWhileThoseThereFromTheStartDoNot() {
        var warmup = new ClusterPolicy.Warmup(Duration.ofSeconds(60), 10, 1);
        ClusterPolicy policy = new ClusterPolicy(new ClusterPolicy.LoadBalancer(Algorithm.ROUND_ROBIN, null, null,
                null, warmup), ClusterPolicy.ConnectionPool.UNLIMITED, null);
        ClusterState s = new ClusterState();
        Cluster two = new Cluster("svc.ns.svc.cluster.local", 80, "", "unknown", FOUR.subList(0, 2), false, policy, null,
                false);
        Cluster three = new Cluster("svc.ns.svc.cluster.local", 80, "", "unknown", FOUR.subList(0, 3), false, policy,
                null, false);
        long start = 1_000;
        LoadBalancer.choose(two, s, null, Set.of(), new Random(1), start);
        long joined = start + Duration.ofSeconds(5).toNanos();
        Upstream newcomer = FOUR.get(2);
        Random random = new Random(7);
        assertEquals(0.1 / 2.1, share(three, s, newcomer, random, joined), 0.01, "10 % of a share at first");
        assertEquals(0.5 / 2.5, share(three, s, newcomer, random, joined + Duration.ofSeconds(30).toNanos()), 0.015,
                "half a share half-way");
        assertEquals(1.0 / 3, share(three, s, newcomer, random, joined + Duration.ofSeconds(60).toNanos()), 0.001,
                "warm: round robin again");
    }

    private static double share(Cluster c, ClusterState s, Upstream u, Random random, long now) {
        int n = 30_000;
        int hits = 0;
        for (int i = 0; i < n; i++) {
            hits += LoadBalancer.choose(c, s, null, Set.of(), random, now).equals(u) ? 1 : 0;
        }
        return (double) hits / n;
    }

    @Test
    void aRetryGoesToAnEndpointNotTriedYetWhenThereIsOne() {
        Cluster c = cluster(FOUR.subList(0, 2), HASH);
        ClusterState s = new ClusterState();
        Upstream first = LoadBalancer.choose(c, s, "alice", Set.of(), new Random(), 0);
        Upstream retry = LoadBalancer.choose(c, s, "alice", Set.of(first), new Random(), 0);
        assertNotEquals(first, retry);
        Cluster single = cluster(FOUR.subList(0, 1), HASH);
        assertEquals(FOUR.getFirst(), LoadBalancer.choose(single, s, "alice", Set.of(FOUR.getFirst()), new Random(), 0));
    }

    @Test
    void consistentHashMovesOnlyTheKeysOfARemovedEndpoint() {
        Map<String, Upstream> before = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            before.put("user-" + i, LoadBalancer.highestRandomWeight(FOUR, "user-" + i));
        }
        long perEndpointMin = FOUR.stream().mapToLong(u -> before.values().stream().filter(u::equals).count())
                .min().orElseThrow();
        assertTrue(perEndpointMin > 150, "keys spread over every endpoint, fewest " + perEndpointMin);
        List<Upstream> three = FOUR.subList(0, 3);
        before.forEach((key, owner) -> {
            if (!owner.equals(FOUR.get(3))) {
                assertEquals(owner, LoadBalancer.highestRandomWeight(three, key), key);
            }
        });
    }

    @Test
    void leastRequestPrefersTheLessBusyOfTwo() {
        Cluster c = cluster(FOUR.subList(0, 2), new ClusterPolicy.LoadBalancer(Algorithm.LEAST_REQUEST, null, null));
        ClusterState s = new ClusterState();
        for (int i = 0; i < 5; i++) {
            s.endpoint(FOUR.get(0).authority()).begin();
        }
        Random random = new Random(7);
        int busy = 0;
        for (int i = 0; i < 1000; i++) {
            busy += LoadBalancer.choose(c, s, null, Set.of(), random, 0).equals(FOUR.get(0)) ? 1 : 0;
        }
        // only when both random choices land on the busy one: about a quarter
        assertTrue(busy > 180 && busy < 320, "busy endpoint chosen " + busy + " times");
    }
}
