package io.sluice.gateway.tls;

import io.helidon.common.tls.TlsClientAuth;
import io.sluice.routing.ListenerTls;
import io.sluice.routing.ServerTls;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;

/**
 * What a TLS port negotiates before SNI is known: protocol versions, cipher suites and whether a client
 * certificate is asked for. JSSE fixes these per server socket, so servers sharing a port share them:
 * the widest protocol range, the union of cipher suites, and a client certificate required only when
 * every server is MUTUAL (optional when some are). A change of these restarts the port; a change of
 * certificates does not.
 *
 * @param protocols    JSSE names, e.g. {@code [TLSv1.2, TLSv1.3]}
 * @param cipherSuites IANA names; empty means the JDK's defaults
 */
public record TlsParameters(List<String> protocols, List<String> cipherSuites, TlsClientAuth clientAuth) {

    private static final Logger LOG = Logger.getLogger(TlsParameters.class.getName());
    private static final List<String> VERSIONS = List.of("TLSV1_0", "TLSV1_1", "TLSV1_2", "TLSV1_3");
    private static final Map<String, String> JSSE_VERSION = Map.of("TLSV1_0", "TLSv1", "TLSV1_1", "TLSv1.1",
            "TLSV1_2", "TLSv1.2", "TLSV1_3", "TLSv1.3");
    /** Istio's default minimum; the maximum defaults to the newest. */
    private static final int DEFAULT_MIN = 2;
    private static final List<String> TLS13_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256");
    /** Envoy/Istio take OpenSSL names; JSSE wants IANA names. */
    private static final Map<String, String> OPENSSL_TO_IANA = Map.ofEntries(
            Map.entry("ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("ECDHE-RSA-AES256-GCM-SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry("ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry("ECDHE-ECDSA-AES128-SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA"),
            Map.entry("ECDHE-RSA-AES128-SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
            Map.entry("ECDHE-ECDSA-AES256-SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA"),
            Map.entry("ECDHE-RSA-AES256-SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA"),
            Map.entry("AES128-GCM-SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry("AES256-GCM-SHA384", "TLS_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry("AES128-SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"),
            Map.entry("AES256-SHA", "TLS_RSA_WITH_AES_256_CBC_SHA"));

    public TlsParameters {
        protocols = List.copyOf(protocols);
        cipherSuites = List.copyOf(cipherSuites);
    }

    public static TlsParameters of(ListenerTls tls) {
        int min = VERSIONS.size() - 1;
        int max = 0;
        boolean anyDefaultCiphers = false;
        Set<String> ciphers = new LinkedHashSet<>();
        int mutual = 0;
        int asking = 0;
        for (ServerTls s : tls.servers()) {
            min = Math.min(min, version(s.minProtocolVersion(), DEFAULT_MIN, s, "minProtocolVersion"));
            max = Math.max(max, version(s.maxProtocolVersion(), VERSIONS.size() - 1, s, "maxProtocolVersion"));
            anyDefaultCiphers |= s.cipherSuites().isEmpty();
            s.cipherSuites().forEach(c -> ciphers.add(iana(c, s)));
            mutual += s.mode() == ServerTls.Mode.MUTUAL ? 1 : 0;
            asking += s.mode().asksForClientCertificate() ? 1 : 0;
        }
        max = Math.max(max, min); // a range Istio would reject: keep the minimum
        List<String> protocols = new ArrayList<>();
        for (int v = min; v <= max; v++) {
            protocols.add(JSSE_VERSION.get(VERSIONS.get(v)));
        }
        List<String> suites = anyDefaultCiphers || ciphers.isEmpty() ? List.of() : withTls13(ciphers);
        TlsClientAuth auth = mutual == tls.servers().size() ? TlsClientAuth.REQUIRED
                : asking > 0 ? TlsClientAuth.OPTIONAL : TlsClientAuth.NONE;
        return new TlsParameters(protocols, suites, auth);
    }

    private static int version(String istio, int fallback, ServerTls s, String field) {
        if (istio == null || istio.equalsIgnoreCase("TLS_AUTO")) {
            return fallback;
        }
        int i = VERSIONS.indexOf(istio.toUpperCase(Locale.ROOT));
        if (i < 0) {
            LOG.warning("server " + s.serverName() + ": tls." + field + " " + istio + " is unknown; using the default");
            return fallback;
        }
        return i;
    }

    private static String iana(String name, ServerTls s) {
        return name.startsWith("TLS_") ? name : OPENSSL_TO_IANA.getOrDefault(name, name);
    }

    /** Only suites this JDK has; TLS 1.3 suites are not configurable in Envoy and stay on. */
    private static List<String> withTls13(Set<String> wanted) {
        Set<String> supported;
        try {
            supported = Set.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<String> out = new ArrayList<>(TLS13_SUITES);
        for (String c : wanted) {
            if (supported.contains(c)) {
                out.add(c);
            } else {
                LOG.warning("cipher suite " + c + " is not supported here; left out");
            }
        }
        return out;
    }

    /** For logs: {@code TLSv1.2-TLSv1.3, client cert NONE}. */
    @Override
    public String toString() {
        return protocols.getFirst() + "-" + protocols.getLast() + ", client cert " + clientAuth
                + (cipherSuites.isEmpty() ? "" : ", suites " + Arrays.toString(cipherSuites.toArray()));
    }
}
