package io.sluice.gateway.tls;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKind;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Logger;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS credentials of a gateway node: Secrets of the node's own namespace ({@code istio-system} by
 * default, as Istio reads {@code credentialName} from the gateway workload's namespace), parsed once
 * per change and published through one volatile reference. Handshakes read it without locks; a Secret
 * applied to the config topic is served by the next handshake after the store delivers it.
 *
 * <p>A Secret that does not parse is left out and logged by name and reason, never by content: servers
 * naming it fail their handshakes, as in Istio.
 */
public final class Credentials {

    private static final Logger LOG = Logger.getLogger(Credentials.class.getName());
    private static final String CA_SUFFIX = "-cacert";

    private record State(Map<String, TlsCredential> byName, Map<String, TlsCredential> byAlias,
                         Map<X509Certificate, String> ownerOfLeaf, Map<String, String> versions) {
    }

    private final String namespace;
    private volatile State state = new State(Map.of(), Map.of(), new IdentityHashMap<>(), Map.of());

    /** @param namespace where Secrets are looked up: the gateway workload's namespace */
    public Credentials(String namespace) {
        this.namespace = namespace;
    }

    public String namespace() {
        return namespace;
    }

    /** The credential a server's {@code credentialName} names, or null. */
    public TlsCredential get(String name) {
        return name == null ? null : state.byName().get(name);
    }

    /** The credential version a handshake chose, also the one just replaced. */
    TlsCredential byAlias(String alias) {
        return alias == null ? null : state.byAlias().get(alias);
    }

    /** Which credential a presented leaf certificate belongs to, or null when it was replaced since. */
    String credentialOf(X509Certificate leaf) {
        return state.ownerOfLeaf().get(leaf);
    }

    /**
     * Rebuilds from the config view; unchanged Secrets keep their parsed objects. Called on the config
     * store's thread.
     */
    public synchronized void update(Collection<Resource> resources) {
        Map<String, Resource> secrets = new HashMap<>();
        for (Resource r : resources) {
            if (r.kind() == ResourceKind.SECRET && namespace.equals(r.namespace())) {
                secrets.put(r.name(), r);
            }
        }
        State old = state;
        Map<String, TlsCredential> byName = new HashMap<>();
        Map<String, String> versions = new HashMap<>();
        for (Resource s : secrets.values()) {
            if (s.name().endsWith(CA_SUFFIX) && !s.body().path("data").has("tls.key")
                    && !s.body().path("data").has("key")) {
                continue; // only a CA for another credential
            }
            Resource ca = secrets.get(s.name() + CA_SUFFIX);
            String version = s.metadata().resourceVersion() + "/" + (ca == null ? "-" : ca.metadata().resourceVersion());
            TlsCredential previous = old.byName().get(s.name());
            if (previous != null && version.equals(old.versions().get(s.name()))) {
                byName.put(s.name(), previous);
                versions.put(s.name(), version);
                continue;
            }
            try {
                byName.put(s.name(), parse(s, ca, s.name() + "#" + version));
                versions.put(s.name(), version);
                LOG.info("TLS credential " + namespace + "/" + s.name() + " loaded (version " + version + ")");
            } catch (IllegalArgumentException | GeneralSecurityException e) {
                LOG.warning("TLS credential " + namespace + "/" + s.name() + " is not usable: " + e.getMessage());
            }
        }
        Map<String, TlsCredential> byAlias = new HashMap<>();
        old.byName().values().forEach(c -> byAlias.put(c.alias(), c));
        Map<X509Certificate, String> owners = new IdentityHashMap<>();
        byName.values().forEach(c -> {
            byAlias.put(c.alias(), c);
            owners.put(c.chain()[0], c.name());
        });
        state = new State(Map.copyOf(byName), Map.copyOf(byAlias), owners, Map.copyOf(versions));
    }

    private static TlsCredential parse(Resource secret, Resource caSecret, String alias)
            throws GeneralSecurityException {
        JsonNode data = secret.body().path("data");
        String what = "Secret " + secret.namespace() + "/" + secret.name();
        byte[] cert = entry(data, "tls.crt", "cert");
        byte[] key = entry(data, "tls.key", "key");
        if (cert == null || key == null) {
            throw new IllegalArgumentException(what + " needs tls.crt and tls.key (or cert and key)");
        }
        List<X509Certificate> chain = Pem.certificates(cert, what + " tls.crt");
        PrivateKey privateKey = Pem.privateKey(key, what + " tls.key");
        if (!belongTogether(privateKey, chain.getFirst().getPublicKey())) {
            throw new IllegalArgumentException(what + ": tls.key is not the key of the first certificate in tls.crt");
        }
        byte[] ca = entry(data, "ca.crt", "cacert");
        String caWhat = what + " ca.crt";
        if (ca == null && caSecret != null) {
            ca = entry(caSecret.body().path("data"), "ca.crt", "cacert");
            caWhat = "Secret " + caSecret.namespace() + "/" + caSecret.name();
        }
        X509TrustManager trust = ca == null ? null : trustManager(Pem.certificates(ca, caWhat));
        return new TlsCredential(secret.name(), alias, privateKey, chain.toArray(X509Certificate[]::new), trust);
    }

    private static byte[] entry(JsonNode data, String name, String alternative) {
        JsonNode v = data.has(name) ? data.get(name) : data.get(alternative);
        if (v == null || v.asText().isEmpty()) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(v.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("data." + name + " is not base64");
        }
    }

    /** A signature made with the key verifies with the certificate's public key. */
    private static boolean belongTogether(PrivateKey key, PublicKey certKey) throws GeneralSecurityException {
        if (!Objects.equals(key.getAlgorithm(), certKey.getAlgorithm())) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        byte[] probe = "sluice".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Signature sign = Signature.getInstance(algorithm);
        sign.initSign(key);
        sign.update(probe);
        byte[] signature = sign.sign();
        Signature verify = Signature.getInstance(algorithm);
        verify.initVerify(certKey);
        verify.update(probe);
        return verify.verify(signature);
    }

    private static X509TrustManager trustManager(List<X509Certificate> cas) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        for (int i = 0; i < cas.size(); i++) {
            store.setCertificateEntry("ca-" + i, cas.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509 trust manager");
    }
}
