package io.sluice.model.registry;

import java.util.HashMap;
import java.util.Map;

/**
 * Which network a workload or a gateway node is on, in an Istio mesh of several networks. It travels
 * as the label Istio puts on them, {@code topology.istio.io/network}, so a registration, a gateway
 * node's {@code --labels} and the {@code network} field of a WorkloadEntry or a ServiceEntry endpoint
 * all say it the same way. A node reaches an endpoint directly only on its own network; Istio reaches
 * one on another through that network's gateway, and without one leaves it out, as Sluice, which has
 * no east-west gateway, does. A node or an endpoint that names no network is on every one.
 */
public final class Network {

    public static final String LABEL = "topology.istio.io/network";

    private Network() {
    }

    /** The labels with a {@code network} put over them; unchanged for none. */
    public static Map<String, String> withNetwork(Map<String, String> labels, String network) {
        if (network == null || network.isBlank()) {
            return labels;
        }
        Map<String, String> out = new HashMap<>(labels);
        out.put(LABEL, network);
        return out;
    }

    /** Whether a node with these labels reaches an endpoint with those directly. */
    public static boolean reachable(Map<String, String> node, Map<String, String> endpoint) {
        String mine = node.get(LABEL);
        String theirs = endpoint.get(LABEL);
        return mine == null || theirs == null || mine.equals(theirs);
    }
}
