package io.sluice.model.istio;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** networking.istio.io DestinationRule. */
public record DestinationRuleSpec(String host,
                                  TrafficPolicy trafficPolicy,
                                  List<Subset> subsets,
                                  List<String> exportTo,
                                  WorkloadSelector workloadSelector) {

    public DestinationRuleSpec {
        subsets = subsets == null ? List.of() : List.copyOf(subsets);
        exportTo = exportTo == null ? List.of() : List.copyOf(exportTo);
    }

    public record Subset(String name, Map<String, String> labels, TrafficPolicy trafficPolicy) {

        public Subset {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }

    /**
     * The policy blocks are kept as JSON trees until the features that read them (load balancing,
     * pools, outlier detection, TLS origination) give them types of their own.
     */
    public record TrafficPolicy(JsonNode loadBalancer,
                                JsonNode connectionPool,
                                JsonNode outlierDetection,
                                JsonNode tls,
                                JsonNode portLevelSettings,
                                JsonNode tunnel,
                                JsonNode proxyProtocol) {
    }
}
