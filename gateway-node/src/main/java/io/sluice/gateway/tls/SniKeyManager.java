package io.sluice.gateway.tls;

import io.sluice.routing.ListenerTls;
import io.sluice.routing.ServerTls;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Chooses the certificate of a handshake by its SNI: the port's TLS server for that name (exact, then
 * the longest wildcard, then {@code *}), then that server's credential. It reads the current route
 * table and credentials on every handshake, so a new table or a rotated Secret needs no new
 * SSLContext and no restart. No server or no usable credential means no alias, and JSSE fails the
 * handshake (a {@code handshake_failure} alert), as Envoy does for an unmatched filter chain.
 */
final class SniKeyManager extends X509ExtendedKeyManager {

    private final Supplier<ListenerTls> tls;
    private final Credentials credentials;

    SniKeyManager(Supplier<ListenerTls> tls, Credentials credentials) {
        this.tls = tls;
        this.credentials = credentials;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return socket instanceof SSLSocket s ? alias(keyType, s.getHandshakeSession()) : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return engine == null ? null : alias(keyType, engine.getHandshakeSession());
    }

    private String alias(String keyType, SSLSession handshake) {
        ServerTls server = server(tls.get(), handshake);
        TlsCredential c = server == null ? null : credentials.get(server.credentialName());
        return c != null && c.keyType().equals(keyType) ? c.alias() : null;
    }

    /** The TLS server a handshake is for, by its SNI; null when none serves it. */
    static ServerTls server(ListenerTls tls, SSLSession handshake) {
        return tls == null ? null : tls.forServerName(requestedServerName(handshake));
    }

    /** The SNI host name the client sent, or null. */
    static String requestedServerName(SSLSession handshake) {
        if (handshake instanceof ExtendedSSLSession e) {
            for (SNIServerName n : e.getRequestedServerNames()) {
                if (n instanceof SNIHostName h) {
                    return h.getAsciiName();
                }
            }
        }
        return null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        TlsCredential c = credentials.byAlias(alias);
        return c == null ? null : c.chain().clone();
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        TlsCredential c = credentials.byAlias(alias);
        return c == null ? null : c.key();
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null; // chosen per handshake only
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
