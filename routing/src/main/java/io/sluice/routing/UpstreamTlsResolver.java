package io.sluice.routing;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.model.Resource;
import io.sluice.model.istio.DestinationRuleSpec;
import io.sluice.model.istio.MeshConfigSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Reads a DestinationRule's {@code tls} (Istio's ClientTLSSettings) for one cluster into an
 * {@link UpstreamTls}, the most specific setting winning: the subset's port-level setting, the
 * subset's, the rule's port-level setting, the rule's. Credentials come from {@code credentialName}
 * (a Secret with {@code tls.crt}/{@code tls.key}/{@code ca.crt}, or {@code cert}/{@code key}/
 * {@code cacert}, looked up in the gateways' namespace {@code istio-system} and then the rule's) or from
 * the file paths {@code caCertificates}, {@code clientCertificate} and {@code privateKey}.
 */
final class UpstreamTlsResolver {

    private static final Logger LOG = Logger.getLogger(UpstreamTlsResolver.class.getName());

    /** @param tls null for plain connections; failed when TLS is asked for but cannot be set up */
    record Result(UpstreamTls tls, boolean failed) {
        static final Result PLAIN = new Result(null, false);
        static final Result FAILED = new Result(null, true);
    }

    private final Map<String, JsonNode> secrets = new HashMap<>();

    UpstreamTlsResolver(List<Resource> secrets) {
        for (Resource s : secrets) {
            this.secrets.put(s.namespace() + "/" + s.name(), s.body());
        }
    }

    Result resolve(DestinationRuleSpec rule, DestinationRuleSpec.Subset subset, int port, String namespace) {
        JsonNode settings = null;
        if (subset != null && subset.trafficPolicy() != null) {
            settings = pick(subset.trafficPolicy(), port);
        }
        if (settings == null && rule != null && rule.trafficPolicy() != null) {
            settings = pick(rule.trafficPolicy(), port);
        }
        if (settings == null) {
            return Result.PLAIN;
        }
        String mode = settings.path("mode").asText("DISABLE");
        if (mode.equals("DISABLE")) {
            return Result.PLAIN;
        }
        String where = "DestinationRule " + namespace + " for " + (rule == null ? "?" : rule.host()) + " port " + port;
        if (!mode.equals("SIMPLE") && !mode.equals("MUTUAL")) {
            LOG.warning(where + ": tls.mode " + mode + " is not supported here (SIMPLE or MUTUAL)");
            return Result.FAILED;
        }
        String ca = null;
        String chain = null;
        String key = null;
        String credential = text(settings, "credentialName");
        if (credential != null) {
            JsonNode secret = secret(credential, namespace);
            if (secret == null) {
                LOG.warning(where + ": tls.credentialName " + credential + " names no Secret");
                return Result.FAILED;
            }
            ca = firstKey(secret, "ca.crt", "cacert");
            chain = firstKey(secret, "tls.crt", "cert");
            key = firstKey(secret, "tls.key", "key");
        }
        try {
            ca = ca != null ? ca : file(text(settings, "caCertificates"));
            chain = chain != null ? chain : file(text(settings, "clientCertificate"));
            key = key != null ? key : file(text(settings, "privateKey"));
        } catch (IOException e) {
            LOG.warning(where + ": cannot read a tls file: " + e.getMessage());
            return Result.FAILED;
        }
        if (mode.equals("MUTUAL") && (chain == null || key == null)) {
            LOG.warning(where + ": tls.mode MUTUAL needs a client certificate and key");
            return Result.FAILED;
        }
        List<String> sans = new ArrayList<>();
        settings.path("subjectAltNames").forEach(n -> sans.add(n.asText()));
        boolean skip = settings.path("insecureSkipVerify").asBoolean(false);
        return new Result(new UpstreamTls(mode, text(settings, "sni"), ca, mode.equals("MUTUAL") ? chain : null,
                mode.equals("MUTUAL") ? key : null, sans, skip), false);
    }

    /** Every {@code credentialName} a rule's TLS settings name, at any level. */
    static Set<String> credentialNames(DestinationRuleSpec rule) {
        Set<String> names = new HashSet<>();
        addCredentialNames(rule.trafficPolicy(), names);
        for (DestinationRuleSpec.Subset s : rule.subsets()) {
            addCredentialNames(s.trafficPolicy(), names);
        }
        return names;
    }

    private static void addCredentialNames(DestinationRuleSpec.TrafficPolicy policy, Set<String> names) {
        if (policy == null) {
            return;
        }
        if (policy.tls() != null && text(policy.tls(), "credentialName") != null) {
            names.add(text(policy.tls(), "credentialName"));
        }
        for (DestinationRuleSpec.PortTrafficPolicy p : policy.portLevelSettings()) {
            if (p.tls() != null && text(p.tls(), "credentialName") != null) {
                names.add(text(p.tls(), "credentialName"));
            }
        }
    }

    /** The port-level tls for this port if there is one, else the policy's own tls. */
    private static JsonNode pick(DestinationRuleSpec.TrafficPolicy policy, int port) {
        for (DestinationRuleSpec.PortTrafficPolicy p : policy.portLevelSettings()) {
            if (p.port() != null && p.port().number() != null && p.port().number() == port
                    && p.tls() != null && !p.tls().isNull()) {
                return p.tls();
            }
        }
        return policy.tls() == null || policy.tls().isNull() ? null : policy.tls();
    }

    private JsonNode secret(String name, String namespace) {
        JsonNode s = secrets.get(MeshConfigSpec.NAMESPACE + "/" + name);
        return s != null ? s : secrets.get(namespace + "/" + name);
    }

    /** A Secret value by the first key present, from {@code stringData} or base64 {@code data}. */
    private static String firstKey(JsonNode secret, String... keys) {
        for (String k : keys) {
            if (secret.path("stringData").hasNonNull(k)) {
                return secret.path("stringData").get(k).asText();
            }
            if (secret.path("data").hasNonNull(k)) {
                return new String(Base64.getMimeDecoder().decode(secret.path("data").get(k).asText()),
                        StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static String text(JsonNode n, String field) {
        return n.hasNonNull(field) && !n.get(field).asText().isEmpty() ? n.get(field).asText() : null;
    }

    private static String file(String path) throws IOException {
        return path == null ? null : Files.readString(Path.of(path));
    }
}
