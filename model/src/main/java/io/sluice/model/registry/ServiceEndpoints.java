package io.sluice.model.registry;

import java.util.List;

/**
 * A record of the registry topic: one service (key = its host name) with the finished list of its
 * endpoints, so gateway nodes never join anything themselves.
 *
 * @param source     {@code Service}, {@code ServiceEntry} or {@code Workload} (registered without a Service)
 * @param location   {@code MESH_INTERNAL} or {@code MESH_EXTERNAL}
 * @param resolution {@code STATIC}, {@code DNS}, {@code DNS_ROUND_ROBIN} or {@code NONE}
 */
public record ServiceEndpoints(int schemaVersion, String host, String namespace, String source,
                               List<ServicePort> ports, String location, String resolution,
                               List<Endpoint> endpoints) {

    public ServiceEndpoints {
        ports = ports == null ? List.of() : List.copyOf(ports);
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
    }
}
