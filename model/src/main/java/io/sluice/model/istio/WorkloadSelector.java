package io.sluice.model.istio;

import java.util.Map;

public record WorkloadSelector(Map<String, String> labels, Map<String, String> matchLabels) {

    public WorkloadSelector {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        matchLabels = matchLabels == null ? Map.of() : Map.copyOf(matchLabels);
    }

    /** ServiceEntry says {@code labels}, DestinationRule and others {@code matchLabels}. */
    public Map<String, String> selected() {
        return labels.isEmpty() ? matchLabels : labels;
    }
}
