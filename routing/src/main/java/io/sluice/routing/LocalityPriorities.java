package io.sluice.routing;

import io.sluice.model.istio.DestinationRuleSpec.Failover;
import io.sluice.model.istio.DestinationRuleSpec.LocalityLbSetting;
import io.sluice.model.registry.Locality;
import java.util.Comparator;
import java.util.List;

/**
 * Istio's locality failover, decided when a table is compiled: each endpoint gets a priority by how
 * near it is to the node — 0 the same region, zone and subzone; 1 the same zone; 2 the same region;
 * then, where the rule names a failover region for the node's region, 3 for that region; and last the
 * rest — and the load balancer moves a priority's traffic on to the next as its endpoints are ejected.
 * As in Istio it applies only where outlier detection can see endpoints fail, on a node whose
 * locality is known, and not where the rule says {@code enabled: false}.
 */
final class LocalityPriorities {

    private LocalityPriorities() {
    }

    /** The endpoints with their priorities, nearest first; as they are when failover does not apply. */
    static List<Upstream> assign(List<Upstream> endpoints, Locality node, LocalityLbSetting setting,
                                 ClusterPolicy.Outlier outlier) {
        if (outlier == null || !node.known() || setting != null && Boolean.FALSE.equals(setting.enabled())) {
            return endpoints;
        }
        String failoverRegion = failoverRegion(node, setting);
        return endpoints.stream()
                .map(u -> u.withPriority(priority(node, Locality.of(u.labels()), failoverRegion)))
                .sorted(Comparator.comparingInt(Upstream::priority))
                .toList();
    }

    static int priority(Locality node, Locality endpoint, String failoverRegion) {
        if (!node.region().equals(endpoint.region())) {
            return failoverRegion == null ? 3 : endpoint.region().equals(failoverRegion) ? 3 : 4;
        }
        if (!node.zone().equals(endpoint.zone())) {
            return 2;
        }
        return node.subzone().equals(endpoint.subzone()) ? 0 : 1;
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
