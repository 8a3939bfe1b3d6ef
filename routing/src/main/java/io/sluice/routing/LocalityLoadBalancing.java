package io.sluice.routing;

import io.sluice.model.istio.DestinationRuleSpec.Failover;
import io.sluice.model.istio.DestinationRuleSpec.LocalityLbSetting;
import io.sluice.model.registry.Locality;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Istio's locality failover, decided when a table is compiled: each endpoint gets a priority by how
 * near it is to the node — 0 the same region, zone and subzone; 1 the same zone; 2 the same region;
 * then, where the rule names a failover region for the node's region, 3 for that region; and last the
 * rest — and the load balancer moves a priority's traffic on to the next as its endpoints are ejected.
 * A rule's {@code failoverPriority} orders by labels instead: of N labels, an endpoint matching the
 * first k (and not the next) gets N − k. As in Istio it applies only where outlier detection can see
 * endpoints fail, and not where the rule says {@code enabled: false}; by locality, only on a node
 * whose region is known. A rule's {@code distribute} weighs the endpoints instead
 * ({@link LocalityDistribution}), with or without outlier detection.
 */
final class LocalityLoadBalancing {

    private LocalityLoadBalancing() {
    }

    /** The endpoints with their priorities, nearest first; as they are when failover does not apply. */
    static List<Upstream> assign(List<Upstream> endpoints, Map<String, String> nodeLabels, LocalityLbSetting setting,
                                 ClusterPolicy.Outlier outlier) {
        if (setting != null && Boolean.FALSE.equals(setting.enabled())) {
            return endpoints;
        }
        if (setting != null && !setting.distribute().isEmpty()) {
            Locality node = Locality.of(nodeLabels);
            return node.known() ? LocalityDistribution.weigh(endpoints, node, setting.distribute()) : endpoints;
        }
        if (outlier == null) {
            return endpoints;
        }
        ToIntFunction<Upstream> priority;
        if (setting != null && !setting.failoverPriority().isEmpty()) {
            priority = u -> byLabels(nodeLabels, u.labels(), setting.failoverPriority());
        } else {
            Locality node = Locality.of(nodeLabels);
            if (!node.known()) {
                return endpoints;
            }
            String failoverRegion = failoverRegion(node, setting);
            priority = u -> byLocality(node, Locality.of(u.labels()), failoverRegion);
        }
        return endpoints.stream()
                .map(u -> u.withPriority(priority.applyAsInt(u)))
                .sorted(Comparator.comparingInt(Upstream::priority))
                .toList();
    }

    static int byLocality(Locality node, Locality endpoint, String failoverRegion) {
        if (!node.region().equals(endpoint.region())) {
            return failoverRegion == null ? 3 : endpoint.region().equals(failoverRegion) ? 3 : 4;
        }
        if (!node.zone().equals(endpoint.zone())) {
            return 2;
        }
        return node.subzone().equals(endpoint.subzone()) ? 0 : 1;
    }

    /** A {@code key} matches when the endpoint's value is the node's, a {@code key=value} when it is that value. */
    static int byLabels(Map<String, String> node, Map<String, String> endpoint, List<String> labels) {
        int matched = 0;
        for (String label : labels) {
            int eq = label.indexOf('=');
            String key = eq < 0 ? label : label.substring(0, eq);
            String wanted = eq < 0 ? node.get(key) : label.substring(eq + 1);
            if (wanted == null || !wanted.equals(endpoint.get(key))) {
                break;
            }
            matched++;
        }
        return labels.size() - matched;
    }

    private static String failoverRegion(Locality node, LocalityLbSetting setting) {
        if (setting != null) {
            for (Failover f : setting.failover()) {
                if (node.region().equals(f.from())) {
                    return f.to();
                }
            }
        }
        return null;
    }
}
