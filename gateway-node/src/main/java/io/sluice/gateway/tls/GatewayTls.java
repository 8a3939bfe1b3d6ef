package io.sluice.gateway.tls;

import io.helidon.common.socket.PeerInfo;
import io.helidon.common.tls.Tls;
import io.helidon.webserver.http.ServerRequest;
import io.sluice.routing.ListenerTls;
import io.sluice.routing.ServerTls;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;

/**
 * TLS termination for the HTTPS ports of a gateway node: one SSLContext per port whose key and trust
 * managers look up the port's current TLS servers and the node's current credentials on every
 * handshake, and the check that keeps each server's hosts to its own connections.
 */
public final class GatewayTls {

    private final Credentials credentials;

    public GatewayTls(Credentials credentials) {
        this.credentials = credentials;
    }

    public Credentials credentials() {
        return credentials;
    }

    /**
     * The Helidon TLS of a port. {@code current} is read per handshake, so new servers on the port and
     * rotated Secrets apply to the next handshake without touching open connections.
     */
    public Tls tls(TlsParameters parameters, Supplier<ListenerTls> current) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(new KeyManager[] {new SniKeyManager(current, credentials)},
                    new TrustManager[] {new SniTrustManager(current, credentials)}, null);
            var b = Tls.builder()
                    .sslContext(ctx)
                    .enabledProtocols(parameters.protocols())
                    .clientAuth(parameters.clientAuth());
            if (!parameters.cipherSuites().isEmpty()) {
                b.enabledCipherSuites(parameters.cipherSuites());
            }
            return b.build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /**
     * Whether a request on a TLS connection may be served for {@code host}: each HTTPS server has its
     * own routes in Istio, so a Host of another server on the same port (SNI {@code sockshop.com},
     * Host {@code mockshop.com}) is not routed. The connection's server is known by the certificate it
     * was given; a connection from before a rotation is judged by Host alone. A MUTUAL server on a port
     * that only asks optionally for certificates (because it shares the port) refuses requests without one.
     */
    public boolean admits(ServerRequest req, ListenerTls tls, String host) {
        return admits(req.remotePeer(), req.localPeer(), tls, host);
    }

    /** The same for a connection's two ends, before any request object exists (a protocol upgrade). */
    public boolean admits(PeerInfo remote, PeerInfo local, ListenerTls tls, String host) {
        ServerTls server = tls.forServerName(host);
        if (server == null) {
            return false;
        }
        if (server.mode() == ServerTls.Mode.MUTUAL && remote.tlsCertificates()
                .map(c -> c.length == 0).orElse(true)) {
            return false;
        }
        Certificate[] presentedChain = local.tlsCertificates().orElse(null);
        if (presentedChain == null || presentedChain.length == 0
                || !(presentedChain[0] instanceof X509Certificate leaf)) {
            return true;
        }
        String presented = credentials.credentialOf(leaf);
        return presented == null || presented.equals(server.credentialName());
    }
}
