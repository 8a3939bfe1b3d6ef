package io.sluice.routing;

import io.sluice.model.istio.DestinationRuleSpec.Distribute;
import io.sluice.model.registry.Locality;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Istio's locality-weighted load balancing ({@code distribute}), decided when a table is compiled: for
 * a node in a rule's {@code from}, each {@code to} entry's share of the traffic goes to the endpoints in
 * the localities it matches, in proportion to their weights; endpoints no entry matches get none. Envoy
 * picks a locality and then an endpoint in it; each endpoint's weight is set to its share here instead,
 * which comes to the same proportions. The first entry whose {@code from} matches the node applies; a
 * locality matched by two {@code to} entries goes to the more specific one (Istio's choice there
 * depends on map order).
 */
final class LocalityDistribution {

    /** Shares become whole weights: parts in ten thousand of the traffic. */
    private static final double SCALE = 10_000;

    private LocalityDistribution() {
    }

    static List<Upstream> weigh(List<Upstream> endpoints, Locality node, List<Distribute> distribute) {
        for (Distribute d : distribute) {
            if (matches(node, d.from())) {
                return weigh(endpoints, d.to());
            }
        }
        return endpoints;
    }

    private static List<Upstream> weigh(List<Upstream> endpoints, Map<String, Integer> to) {
        Map<Upstream, String> entryOf = new HashMap<>();
        Map<String, Long> entryWeight = new HashMap<>();
        for (Upstream u : endpoints) {
            String entry = mostSpecificMatch(Locality.of(u.labels()), to);
            if (entry != null && to.get(entry) > 0) {
                entryOf.put(u, entry);
                entryWeight.merge(entry, (long) u.weight(), Long::sum);
            }
        }
        List<Upstream> out = new ArrayList<>(entryOf.size());
        for (Upstream u : endpoints) {
            String entry = entryOf.get(u);
            if (entry != null) {
                double share = to.get(entry) / 100.0 * u.weight() / entryWeight.get(entry);
                out.add(u.withWeight((int) Math.max(1, Math.round(share * SCALE))));
            }
        }
        return out;
    }

    private static String mostSpecificMatch(Locality locality, Map<String, Integer> to) {
        String best = null;
        for (String pattern : to.keySet()) {
            if (matches(locality, pattern) && (best == null || specificity(pattern) > specificity(best)
                    || specificity(pattern) == specificity(best) && pattern.compareTo(best) < 0)) {
                best = pattern;
            }
        }
        return best;
    }

    /** Istio's LocalityMatch: a part left out or written {@code *} matches any value. */
    static boolean matches(Locality locality, String pattern) {
        String[] p = pattern.split("/", 3);
        return part(p, 0, locality.region()) && part(p, 1, locality.zone()) && part(p, 2, locality.subzone());
    }

    private static boolean part(String[] pattern, int i, String value) {
        return i >= pattern.length || pattern[i].equals("*") || pattern[i].equals(value);
    }

    private static int specificity(String pattern) {
        int n = 0;
        for (String part : pattern.split("/", 3)) {
            n += part.equals("*") ? 0 : 1;
        }
        return n;
    }
}
