package io.sluice.model.registry;

import java.util.Map;

/**
 * A registered instance: what {@code ./sluice backend --register} and any workload send to
 * registry-service. {@code port} is where it listens, {@code servicePort} the service port it serves.
 */
public record Workload(String service, String namespace, String address, int port, Integer servicePort,
                       Map<String, String> labels) {

    public static final int DEFAULT_SERVICE_PORT = 80;

    public Workload {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        servicePort = servicePort == null ? DEFAULT_SERVICE_PORT : servicePort;
    }

    /** Identity of the instance within the registry: namespace, service and socket address. */
    public String id() {
        return namespace + "/" + service + "/" + address + ":" + port;
    }
}
