package io.sluice.model.istio;

import java.util.Map;

/** networking.istio.io WorkloadEntry, also the shape of a ServiceEntry endpoint. */
public record WorkloadEntrySpec(String address,
                                Map<String, Integer> ports,
                                Map<String, String> labels,
                                String network,
                                String locality,
                                Integer weight,
                                String serviceAccount) {

    public WorkloadEntrySpec {
        ports = ports == null ? Map.of() : Map.copyOf(ports);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
