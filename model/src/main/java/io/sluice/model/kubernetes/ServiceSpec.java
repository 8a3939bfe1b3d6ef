package io.sluice.model.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** Kubernetes core/v1 Service: the parts that decide which workloads serve which port. */
public record ServiceSpec(String type, Map<String, String> selector, List<ServicePort> ports, String clusterIP,
                          List<String> clusterIPs, String externalName, String sessionAffinity,
                          List<String> externalIPs, String externalTrafficPolicy, String internalTrafficPolicy,
                          List<String> ipFamilies, String ipFamilyPolicy, Boolean publishNotReadyAddresses,
                          JsonNode sessionAffinityConfig, String loadBalancerIP) {

    public ServiceSpec {
        selector = selector == null ? Map.of() : Map.copyOf(selector);
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    /**
     * targetPort is an int-or-string in Kubernetes; a name refers to a container port by name, so it
     * stays a string here.
     */
    public record ServicePort(String name, Integer port, JsonNode targetPort, String protocol, Integer nodePort,
                              String appProtocol) {

        /** The numeric target port, or the service port when the target is absent or named. */
        public int targetPortNumber() {
            return targetPort != null && targetPort.canConvertToInt() && targetPort.isNumber()
                    ? targetPort.asInt()
                    : targetPort != null && targetPort.isTextual() && targetPort.asText().matches("\\d+")
                    ? Integer.parseInt(targetPort.asText()) : port;
        }
    }
}
