package io.sluice.upstream;

import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS a node originates to an upstream (DestinationRule {@code tls}): whom to trust, the client
 * certificate, the server name sent and checked. Compared by identity: one instance per setting, so
 * that pooled connections are only reused for the same setting. The HTTP/1.1 connections, Helidon's
 * HTTP/2 client and grpc-java's channels are all set up from the same key and trust managers.
 */
public final class TlsOrigin {

    private final KeyManager[] keys;
    private final X509ExtendedTrustManager trust;
    private final SSLContext context;
    private final SSLParameters parameters;
    private final String serverName;

    /**
     * @param keys          the client certificate (MUTUAL), or null for none
     * @param trust         checks the server's chain, and the name it is for unless {@code checkHostname}
     *                      leaves that to the JDK (against {@code serverName})
     * @param checkHostname whether the certificate must name {@code serverName} (HTTPS endpoint identification)
     * @param serverName    the name sent as SNI and, when checked, looked for in the certificate
     * @throws IllegalArgumentException the server name is not one SNI can carry
     */
    public TlsOrigin(KeyManager[] keys, X509ExtendedTrustManager trust, boolean checkHostname, String serverName)
            throws GeneralSecurityException {
        this.keys = keys;
        this.trust = trust;
        this.serverName = serverName;
        this.context = SSLContext.getInstance("TLS");
        context.init(keys, new TrustManager[] {trust}, null);
        this.parameters = new SSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(serverName)));
        parameters.setEndpointIdentificationAlgorithm(checkHostname ? "HTTPS" : null);
    }

    /**
     * Runs the handshake over a connected socket; fails as the handshake does. The server name, not the
     * address connected to (perhaps a resolver override), is what the certificate must name.
     */
    SSLSocket handshake(Socket plain, int port) throws IOException {
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(plain, serverName, port, true);
        tls.setSSLParameters(parameters);
        tls.setUseClientMode(true);
        tls.startHandshake();
        return tls;
    }

    KeyManager[] keys() {
        return keys;
    }

    X509ExtendedTrustManager trust() {
        return trust;
    }

    SSLContext context() {
        return context;
    }

    /** The server name and the name check; shared, so never to be changed (Helidon's client copies them). */
    SSLParameters parameters() {
        return parameters;
    }

    String serverName() {
        return serverName;
    }
}
