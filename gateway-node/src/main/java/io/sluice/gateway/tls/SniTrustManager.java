package io.sluice.gateway.tls;

import io.sluice.routing.ListenerTls;
import io.sluice.routing.ServerTls;
import io.sluice.tls.SubjectAltNames;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks client certificates for MUTUAL and OPTIONAL_MUTUAL servers against the CA of the server the
 * handshake is for (by SNI): {@code ca.crt} of its credential or the {@code <name>-cacert} Secret, and
 * the server's {@code subjectAltNames} when it lists any. A server without a CA accepts no client
 * certificate.
 */
final class SniTrustManager extends X509ExtendedTrustManager {

    private final Supplier<ListenerTls> tls;
    private final Credentials credentials;

    SniTrustManager(Supplier<ListenerTls> tls, Credentials credentials) {
        this.tls = tls;
        this.credentials = credentials;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain, authType, socket instanceof SSLSocket s ? s.getHandshakeSession() : null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain, authType, engine == null ? null : engine.getHandshakeSession());
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("client certificates are checked per handshake only");
    }

    private void check(X509Certificate[] chain, String authType, SSLSession handshake) throws CertificateException {
        ServerTls server = SniKeyManager.server(tls.get(), handshake);
        if (server == null || !server.mode().asksForClientCertificate()) {
            throw new CertificateException("this server does not take client certificates");
        }
        TlsCredential c = credentials.get(server.credentialName());
        if (c == null || c.clientTrust() == null) {
            throw new CertificateException("no CA for credential " + server.credentialName()
                    + " (ca.crt or " + server.credentialName() + "-cacert)");
        }
        c.clientTrust().checkClientTrusted(chain, authType);
        if (!server.subjectAltNames().isEmpty() && !SubjectAltNames.hasAny(chain[0], server.subjectAltNames())) {
            throw new CertificateException("the client certificate has none of the subjectAltNames "
                    + server.subjectAltNames());
        }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        // the CA depends on the SNI, which is not known when this is asked: name none
        return new X509Certificate[0];
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("server side only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("server side only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("server side only");
    }
}
