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
 * than the outlier policy's minHealthPercent are left), of the nearest locality that has capacity
 * left when the cluster's endpoints have priorities (locality failover), preferring ones this request has not tried yet
 * (Envoy's previous_hosts retry predicate), by the cluster's algorithm; while endpoints warm up (slow
 * start), weighted by their share.
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
        for (Upstream u : all) {
            if (!state.endpoint(u.authority()).ejected(now)) {
                healthy.add(u);
            }
        }
        ClusterPolicy.Outlier outlier = cluster.policy().outlier();
        if (outlier != null && healthy.size() * 100L < (long) outlier.minHealthPercent() * all.size()) {
            healthy = all; // Envoy's panic mode: too few hosts left to trust the ejections
        }
        if (healthy.isEmpty()) {
            return null;
        }
        if (healthy != all && all.getLast().priority() > 0) {
            healthy = priorityChosen(all, healthy, random);
        }
        List<Upstream> candidates = healthy;
        if (!tried.isEmpty() && healthy.size() > 1) {
            List<Upstream> fresh = healthy.stream().filter(u -> !tried.contains(u)).toList();
            candidates = fresh.isEmpty() ? healthy : fresh;
        }
        if (lb.warmup() != null) {
            Upstream warming = weighted(candidates, state, lb.warmup(), random, now);
            if (warming != null) {
                return warming;
            }
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
    private static Upstream weighted(List<Upstream> candidates, ClusterState state, ClusterPolicy.Warmup warmup,
                                     RandomGenerator random, long now) {
        double[] weights = new double[candidates.size()];
        double total = 0;
        boolean warming = false;
        for (int i = 0; i < weights.length; i++) {
            long joined = state.endpoint(candidates.get(i).authority()).joinedAt;
            weights[i] = joined == 0 ? 1 : warmup.weight(now - joined);
            warming |= weights[i] < 1;
            total += weights[i];
        }
        if (!warming) {
            return null;
        }
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
