package io.sluice.model.istio;

import java.util.List;
import java.util.Map;

/** networking.istio.io Gateway. */
public record GatewaySpec(Map<String, String> selector, List<Server> servers) {

    public GatewaySpec {
        selector = selector == null ? Map.of() : Map.copyOf(selector);
        servers = servers == null ? List.of() : List.copyOf(servers);
    }

    public record Server(Port port, String bind, List<String> hosts, ServerTLSSettings tls, String name,
                         String defaultEndpoint) {

        public Server {
            hosts = hosts == null ? List.of() : List.copyOf(hosts);
        }
    }

    public record Port(Integer number, String protocol, String name, Integer targetPort) {
    }

    public record ServerTLSSettings(Boolean httpsRedirect,
                                    String mode,
                                    String serverCertificate,
                                    String privateKey,
                                    String caCertificates,
                                    String caCrl,
                                    String credentialName,
                                    List<String> credentialNames,
                                    List<String> subjectAltNames,
                                    List<String> verifyCertificateSpki,
                                    List<String> verifyCertificateHash,
                                    String minProtocolVersion,
                                    String maxProtocolVersion,
                                    List<String> cipherSuites) {
    }
}
