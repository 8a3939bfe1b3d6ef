package io.sluice.model.registry;

import java.util.HashMap;
import java.util.Map;

/**
 * Where a workload or a gateway node runs: region, zone and subzone, each empty when unknown. It travels
 * as the labels Kubernetes and Istio put on workloads, so a registration, a WorkloadEntry and a gateway
 * node's {@code --labels} all say it the same way; the {@code locality} field of a WorkloadEntry or a
 * ServiceEntry endpoint ({@code region/zone/subzone}) is turned into those labels.
 */
public record Locality(String region, String zone, String subzone) {

    public static final String REGION = "topology.kubernetes.io/region";
    public static final String ZONE = "topology.kubernetes.io/zone";
    public static final String SUBZONE = "topology.istio.io/subzone";

    public static Locality of(Map<String, String> labels) {
        return new Locality(labels.getOrDefault(REGION, ""), labels.getOrDefault(ZONE, ""),
                labels.getOrDefault(SUBZONE, ""));
    }

    public boolean known() {
        return !region.isEmpty();
    }

    /** The labels with those of a {@code region/zone/subzone} locality (any part may be left out) put over them. */
    public static Map<String, String> withLocality(Map<String, String> labels, String locality) {
        if (locality == null || locality.isBlank()) {
            return labels;
        }
        String[] parts = locality.split("/", 3);
        Map<String, String> out = new HashMap<>(labels);
        String[] keys = {REGION, ZONE, SUBZONE};
        for (int i = 0; i < parts.length; i++) {
            if (!parts[i].isEmpty()) {
                out.put(keys[i], parts[i]);
            }
        }
        return out;
    }
}
