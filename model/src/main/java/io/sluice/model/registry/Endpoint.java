package io.sluice.model.registry;

import java.util.Map;

/**
 * One instance of a service. {@code ports} maps each service port to the port this instance listens
 * on: on one host every workload listens on its own port, so the instance's port wins over the
 * Service's targetPort. {@code address} may be a DNS name (ServiceEntry resolution DNS), resolved
 * when connecting.
 *
 * @param weight its share of the service's traffic against the others' (a WorkloadEntry's {@code weight});
 *               1 when not given, as in Istio
 */
public record Endpoint(String address, Map<Integer, Integer> ports, Map<String, String> labels, boolean healthy,
                       String workload, int weight) {

    public Endpoint {
        ports = ports == null ? Map.of() : Map.copyOf(ports);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        weight = Math.max(1, weight);
    }

    /** An endpoint of the default weight. */
    public Endpoint(String address, Map<Integer, Integer> ports, Map<String, String> labels, boolean healthy,
                    String workload) {
        this(address, ports, labels, healthy, workload, 1);
    }

    /** The port to connect to for a service port; the service port itself when none is mapped. */
    public int portFor(int servicePort) {
        return ports.getOrDefault(servicePort, servicePort);
    }

    public boolean hasLabels(Map<String, String> selector) {
        return labels.entrySet().containsAll(selector.entrySet());
    }
}
