package io.sluice.gateway.resilience;

import io.sluice.routing.Cluster;
import io.sluice.routing.ClusterPolicy;
import io.sluice.routing.Upstream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Picks the endpoint of a cluster for one try: among the endpoints not ejected (all of them once fewer
 * than the outlier policy's minHealthPercent are left), of the priority level drawn by Envoy's priority
 * load when the endpoints have priorities (locality failover), preferring ones this request has not
 * tried yet (Envoy's previous_hosts retry predicate), by the cluster's algorithm, each endpoint's share
 * in proportion to its weight (a WorkloadEntry's {@code weight}); while endpoints warm up (slow start),
 * weighted by their share of that too.
 */
public final class LoadBalancer {

    /** Envoy's default overprovisioning factor, 140 %. */
    private static final double OVERPROVISIONING = 1.4;

    private LoadBalancer() {
    }

    /**
     * @param hashKey the request's value of the consistent-hash source, or null (then: random)
     * @param tried   endpoints earlier tries of this request went to
     * @return the endpoint, or null when every endpoint is ejected (no healthy upstream)
     */
    public static Upstream choose(Cluster cluster, ClusterState state, String hashKey, Collection<Upstream> tried,
                                  RandomGenerator random, long now) {
        List<Upstream> all = cluster.endpoints();
        ClusterPolicy.LoadBalancer lb = cluster.policy().loadBalancer();
        if (lb.warmup() != null) {
            state.noteArrivals(all, now);
        }
        List<Upstream> healthy = new ArrayList<>(all.size());
        boolean unequalWeights = false;
        for (Upstream u : all) {
            if (!state.endpoint(u.authority()).ejected(now)) {
                healthy.add(u);
            }
            unequalWeights |= u.weight() != 1;
        }
        ClusterPolicy.Outlier outlier = cluster.policy().outlier();
        if (outlier != null && healthy.size() * 100L < (long) outlier.minHealthPercent() * all.size()) {
            healthy = all; // Envoy's panic mode: too few hosts left to trust the ejections
        }
        if (healthy.isEmpty()) {
            return null;
        }
        // in panic mode (healthy is all) every endpoint serves, whatever its priority, as in Envoy
        if (healthy != all && all.getLast().priority() > 0) {
            healthy = priorityChosen(all, healthy, random);
        }
        List<Upstream> candidates = healthy;
        if (!tried.isEmpty() && healthy.size() > 1) {
            List<Upstream> fresh = healthy.stream().filter(u -> !tried.contains(u)).toList();
            candidates = fresh.isEmpty() ? healthy : fresh;
        }
        if (lb.warmup() != null) {
            Upstream warming = warmingUp(candidates, state, lb.warmup(), random, now);
            if (warming != null) {
                return warming;
            }
        }
        if (unequalWeights) {
            return switch (lb.algorithm()) {
                case ROUND_ROBIN -> smoothWeightedRoundRobin(candidates, state);
                case RANDOM -> byWeight(candidates, random);
                case LEAST_REQUEST -> leastRequestPerWeight(candidates, state, random);
                case CONSISTENT_HASH -> hashKey == null ? byWeight(candidates, random)
                        : weightedRendezvous(candidates, hashKey);
            };
        }
        return switch (lb.algorithm()) {
            case ROUND_ROBIN -> candidates.get(Math.floorMod(state.cursor.getAndIncrement(), candidates.size()));
            case RANDOM -> candidates.get(random.nextInt(candidates.size()));
            case LEAST_REQUEST -> leastRequest(candidates, state, random);
            case CONSISTENT_HASH -> hashKey == null ? candidates.get(random.nextInt(candidates.size()))
                    : highestRandomWeight(candidates, hashKey);
        };
    }

    /**
     * nginx's smooth weighted round robin: each endpoint's running weight grows by its weight every
     * pick, the highest is taken and set back by the total. Shares are exact over each cycle of
     * total-weight picks and spread out within it (weights 5, 1, 1 go a a b a c a a, not a a a a a b c),
     * as Envoy's weighted round robin spreads them.
     */
    private static Upstream smoothWeightedRoundRobin(List<Upstream> candidates, ClusterState state) {
        synchronized (state) {
            int total = 0;
            EndpointState best = null;
            Upstream chosen = null;
            for (Upstream u : candidates) {
                EndpointState e = state.endpoint(u.authority());
                e.currentWeight += u.weight();
                total += u.weight();
                if (best == null || e.currentWeight > best.currentWeight) {
                    best = e;
                    chosen = u;
                }
            }
            best.currentWeight -= total;
            return chosen;
        }
    }

    /** A random endpoint, each as likely as its weight. */
    private static Upstream byWeight(List<Upstream> candidates, RandomGenerator random) {
        long total = 0;
        for (Upstream u : candidates) {
            total += u.weight();
        }
        long draw = random.nextLong(total);
        for (Upstream u : candidates) {
            draw -= u.weight();
            if (draw < 0) {
                return u;
            }
        }
        return candidates.getLast();
    }

    /**
     * Envoy's least request with unequal weights: each endpoint weighs its weight divided by its
     * requests in flight plus one (Envoy's default active_request_bias of 1), so an idle cluster is
     * shared by weight and a busy endpoint gets less than its weight's share. Envoy schedules those
     * weights (EDF); drawn at random here, to the same shares.
     */
    private static Upstream leastRequestPerWeight(List<Upstream> candidates, ClusterState state,
                                                 RandomGenerator random) {
        double[] weights = new double[candidates.size()];
        double total = 0;
        for (int i = 0; i < weights.length; i++) {
            Upstream u = candidates.get(i);
            weights[i] = (double) u.weight() / (state.endpoint(u.authority()).active() + 1);
            total += weights[i];
        }
        return drawn(candidates, weights, total, random);
    }

    /**
     * The healthy endpoints of one priority (locality failover), drawn by Envoy's priority load: each
     * level's health is its healthy share times the overprovisioning factor 1.4, at most 100 %; the
     * nearest level takes its health's worth of the traffic, the next what is left up to its own
     * health, and so on. When the levels' health adds up to less than 100 % their shares are scaled to
     * make it up. So a zone keeps all its traffic while 5 of 7 endpoints are healthy and hands it on
     * gradually as more are ejected.
     */
    private static List<Upstream> priorityChosen(List<Upstream> all, List<Upstream> healthy, RandomGenerator random) {
        int levels = all.getLast().priority() + 1;
        int[] total = new int[levels];
        int[] up = new int[levels];
        all.forEach(u -> total[u.priority()]++);
        healthy.forEach(u -> up[u.priority()]++);
        double[] health = new double[levels];
        double sum = 0;
        for (int p = 0; p < levels; p++) {
            health[p] = total[p] == 0 ? 0 : Math.min(1, OVERPROVISIONING * up[p] / total[p]);
            sum += health[p];
        }
        double draw = random.nextDouble() * Math.min(1, sum);
        int chosen = levels - 1;
        for (int p = 0; p < levels; p++) {
            draw -= health[p];
            if (draw < 0) {
                chosen = p;
                break;
            }
        }
        int level = chosen;
        List<Upstream> out = healthy.stream().filter(u -> u.priority() == level).toList();
        return out.isEmpty() ? healthy : out;
    }

    /**
     * While an endpoint warms up, a random pick weighted by each one's share (Envoy's weighted round
     * robin and least request come to the same proportions); null once none is warming.
     */
    private static Upstream warmingUp(List<Upstream> candidates, ClusterState state, ClusterPolicy.Warmup warmup,
                                      RandomGenerator random, long now) {
        double[] weights = new double[candidates.size()];
        double total = 0;
        boolean warming = false;
        for (int i = 0; i < weights.length; i++) {
            long joined = state.endpoint(candidates.get(i).authority()).joinedAt;
            double share = joined == 0 ? 1 : warmup.weight(now - joined);
            warming |= share < 1;
            weights[i] = share * candidates.get(i).weight();
            total += weights[i];
        }
        if (!warming) {
            return null;
        }
        return drawn(candidates, weights, total, random);
    }

    /** A candidate drawn at random, each as likely as its weight in {@code weights}. */
    private static Upstream drawn(List<Upstream> candidates, double[] weights, double total, RandomGenerator random) {
        double draw = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            draw -= weights[i];
            if (draw < 0) {
                return candidates.get(i);
            }
        }
        return candidates.getLast();
    }

    /** Envoy's default LEAST_REQUEST: the less busy of two random choices. */
    private static Upstream leastRequest(List<Upstream> candidates, ClusterState state, RandomGenerator random) {
        Upstream a = candidates.get(random.nextInt(candidates.size()));
        Upstream b = candidates.get(random.nextInt(candidates.size()));
        return state.endpoint(b.authority()).active() < state.endpoint(a.authority()).active() ? b : a;
    }

    /**
     * Rendezvous hashing: every key goes to the endpoint with the highest hash of (key, endpoint), so
     * when one endpoint leaves or is ejected only its keys move.
     */
    static Upstream highestRandomWeight(List<Upstream> candidates, String key) {
        long k = fnv(key);
        Upstream best = null;
        long bestScore = Long.MIN_VALUE;
        for (Upstream u : candidates) {
            long score = mix(k ^ fnv(u.authority()));
            if (best == null || score > bestScore) {
                best = u;
                bestScore = score;
            }
        }
        return best;
    }

    /**
     * Weighted rendezvous hashing: the hash h of (key, endpoint), taken into (0, 1), scores
     * weight / -ln(h), which gives each endpoint its weight's share of the keys and still moves only
     * the keys of an endpoint that leaves.
     */
    static Upstream weightedRendezvous(List<Upstream> candidates, String key) {
        long k = fnv(key);
        Upstream best = null;
        double bestScore = 0;
        for (Upstream u : candidates) {
            double h = ((mix(k ^ fnv(u.authority())) >>> 11) + 0.5) * 0x1.0p-53;
            double score = u.weight() / -Math.log(h);
            if (best == null || score > bestScore) {
                best = u;
                bestScore = score;
            }
        }
        return best;
    }

    private static long fnv(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    /** SplitMix64's finaliser: spreads nearby inputs over the whole range. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
