package io.sluice.model.registry;

import java.util.Map;

/**
 * A registered instance: what {@code ./sluice backend --register} and any workload send to
 * registry-service. {@code port} is where it listens, {@code servicePort} the service port it serves,
 * {@code weight} its share of the service's traffic against the other instances' (1 when not given,
 * as a WorkloadEntry's).
 */
public record Workload(String service, String namespace, String address, int port, Integer servicePort,
                       Map<String, String> labels, Integer weight) {

    public static final int DEFAULT_SERVICE_PORT = 80;

    public Workload {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        servicePort = servicePort == null ? DEFAULT_SERVICE_PORT : servicePort;
        weight = weight == null ? 1 : weight;
    }

    /** An instance of the default weight. */
    public Workload(String service, String namespace, String address, int port, Integer servicePort,
                    Map<String, String> labels) {
        this(service, namespace, address, port, servicePort, labels, null);
    }

    /** Identity of the instance within the registry: namespace, service and socket address. */
    public String id() {
        return namespace + "/" + service + "/" + address + ":" + port;
    }
}
