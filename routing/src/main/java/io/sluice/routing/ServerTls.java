package io.sluice.routing;

import io.sluice.model.istio.GatewaySpec;
import java.util.List;
import java.util.Locale;

/**
 * How one Gateway server terminates TLS. Only names: the gateway node resolves
 * {@code credentialName} to a Secret of its own namespace, so no key material ever enters a route table.
 *
 * @param serverName         the server's port name ({@code https-sockshop}), unique per Gateway port
 * @param hosts              the server's hosts, lower-case, without a namespace filter
 * @param minProtocolVersion Istio's name ({@code TLSV1_2}); null means the default, TLS 1.2
 * @param maxProtocolVersion Istio's name ({@code TLSV1_3}); null means the highest supported
 * @param cipherSuites       as given (OpenSSL or IANA names); empty means the defaults. They bind TLS 1.2
 *                           and below; TLS 1.3 suites are always offered, as in Envoy
 * @param subjectAltNames    for MUTUAL: one of them must be in the client certificate; empty means any
 */
public record ServerTls(String serverName, List<String> hosts, Mode mode, String credentialName,
                        String minProtocolVersion, String maxProtocolVersion, List<String> cipherSuites,
                        List<String> subjectAltNames) {

    /** The modes in which the gateway itself terminates TLS (PASSTHROUGH does not). */
    public enum Mode {
        SIMPLE, MUTUAL, OPTIONAL_MUTUAL;

        public boolean asksForClientCertificate() {
            return this != SIMPLE;
        }
    }

    public ServerTls {
        hosts = List.copyOf(hosts);
        cipherSuites = cipherSuites == null ? List.of() : List.copyOf(cipherSuites);
        subjectAltNames = subjectAltNames == null ? List.of() : List.copyOf(subjectAltNames);
    }

    /**
     * The terminating TLS of an HTTPS server, or null when it does not terminate here (no tls block,
     * PASSTHROUGH, AUTO_PASSTHROUGH, ISTIO_MUTUAL).
     */
    static ServerTls of(GatewaySpec.Server server, List<String> hosts) {
        GatewaySpec.ServerTLSSettings tls = server.tls();
        if (tls == null || tls.mode() == null) {
            return null; // Istio's default mode is PASSTHROUGH
        }
        Mode mode;
        try {
            mode = Mode.valueOf(tls.mode().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
        String name = server.port().name() != null ? server.port().name() : server.name();
        return new ServerTls(name, hosts, mode, tls.credentialName(), tls.minProtocolVersion(),
                tls.maxProtocolVersion(), tls.cipherSuites(), tls.subjectAltNames());
    }
}
