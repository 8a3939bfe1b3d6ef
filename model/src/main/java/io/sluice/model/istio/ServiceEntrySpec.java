package io.sluice.model.istio;

import java.util.List;

/** networking.istio.io ServiceEntry. */
public record ServiceEntrySpec(List<String> hosts,
                               List<String> addresses,
                               List<Port> ports,
                               String location,
                               String resolution,
                               List<WorkloadEntrySpec> endpoints,
                               WorkloadSelector workloadSelector,
                               List<String> exportTo,
                               List<String> subjectAltNames) {

    public ServiceEntrySpec {
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
        ports = ports == null ? List.of() : List.copyOf(ports);
        endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
        exportTo = exportTo == null ? List.of() : List.copyOf(exportTo);
        subjectAltNames = subjectAltNames == null ? List.of() : List.copyOf(subjectAltNames);
    }

    public record Port(Integer number, String protocol, String name, Integer targetPort) {
    }
}
