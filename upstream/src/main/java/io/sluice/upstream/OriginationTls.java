package io.sluice.upstream;

import io.sluice.tls.ForwardingTrustManager;
import io.sluice.tls.SubjectAltNames;
import io.sluice.routing.UpstreamTls;
import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Builds the client TLS of a cluster that originates TLS (Istio's DestinationRule {@code tls} SIMPLE or
 * MUTUAL): the CAs to trust, the client certificate for MUTUAL, the server name to send and check.
 * The server certificate must name the server name, or one of {@code subjectAltNames} when given.
 */
final class OriginationTls {

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(OriginationTls.class.getName());
    private static final Pattern PEM_KEY = Pattern.compile(
            "-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");

    private OriginationTls() {
    }

    static TlsOrigin create(UpstreamTls settings, String serverName) {
        try {
            boolean hostCheck = !settings.insecureSkipVerify() && settings.subjectAltNames().isEmpty();
            return new TlsOrigin(keyManagers(settings), trustManager(settings), hostCheck, serverName);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // a credential that cannot be loaded must not mean plain text or no check: every handshake fails
            LOG.warning("cannot set up TLS origination for " + serverName + " (" + e.getClass().getSimpleName()
                    + "); requests to it fail");
            return rejecting();
        }
    }

    /** A client TLS whose handshakes all fail: the request gets the proxy's upstream-failure answer. */
    private static TlsOrigin rejecting() {
        try {
            return new TlsOrigin(null, new RejectAll(), false, "rejected.invalid");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no TLS", e);
        }
    }

    private static KeyManager[] keyManagers(UpstreamTls s) throws GeneralSecurityException {
        if (!s.mutual()) {
            return null;
        }
        List<Certificate> chain = List.copyOf(certificates(s.certificateChain()));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try {
            ks.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException(e);
        }
        char[] pw = new char[0];
        ks.setKeyEntry("client", privateKey(s.privateKey()), pw, chain.toArray(Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        return kmf.getKeyManagers();
    }

    private static X509ExtendedTrustManager trustManager(UpstreamTls s) throws GeneralSecurityException {
        if (s.insecureSkipVerify()) {
            return new TrustAll();
        }
        KeyStore ks = null;
        if (s.caCertificates() != null) {
            ks = KeyStore.getInstance("PKCS12");
            try {
                ks.load(null, null);
            } catch (java.io.IOException e) {
                throw new GeneralSecurityException(e);
            }
            int i = 0;
            for (Certificate c : certificates(s.caCertificates())) {
                ks.setCertificateEntry("ca" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        // the JDK's PKIX trust manager is an extended one
        X509ExtendedTrustManager base = (X509ExtendedTrustManager) tmf.getTrustManagers()[0];
        return s.subjectAltNames().isEmpty() ? base : new SanChecking(base, s.subjectAltNames());
    }

    private static Collection<? extends Certificate> certificates(String pem) throws CertificateException {
        return CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
    }

    /** A PKCS#8 PEM key ({@code BEGIN PRIVATE KEY}, what openssl 3 writes), RSA or EC. */
    private static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        Matcher m = PEM_KEY.matcher(pem);
        if (!m.find()) {
            throw new GeneralSecurityException("the client key is not a PKCS#8 PEM (BEGIN PRIVATE KEY)");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(m.group(1).trim()));
        for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException ignored) {
                // try the next algorithm
            }
        }
        throw new GeneralSecurityException("the client key is neither RSA, EC nor Ed25519");
    }

    /**
     * Checks the chain as usual, then requires one of the configured names among the certificate's SANs,
     * in place of the host name check (as Istio's {@code subjectAltNames} do): an extended trust manager,
     * so that the JDK does not add that check for a connection that asks for it (grpc-java's always do).
     */
    private static final class SanChecking extends ForwardingTrustManager {
        private final List<String> names;

        SanChecking(X509ExtendedTrustManager base, List<String> names) {
            super(base);
            this.names = names;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
            if (!SubjectAltNames.hasAny(chain[0], names)) {
                throw new CertificateException("server certificate carries none of the subjectAltNames " + names);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }
    }

    /** Trusts no server: stands in for a credential that could not be loaded. */
    private static final class RejectAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("TLS origination is misconfigured");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("TLS origination is misconfigured");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** Istio's insecureSkipVerify: the server is not checked at all. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
