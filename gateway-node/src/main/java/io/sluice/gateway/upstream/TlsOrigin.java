package io.sluice.gateway.upstream;

import java.io.IOException;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The TLS a node originates to an upstream (DestinationRule {@code tls}): whom to trust, the client
 * certificate, the server name sent and checked. Compared by identity: one instance per setting, so
 * that pooled connections are only reused for the same setting.
 */
public final class TlsOrigin {

    private final SSLContext context;
    private final SSLParameters parameters;
    private final String serverName;

    /** @param serverName the name sent as SNI and, when the parameters ask for it, checked against the certificate */
    public TlsOrigin(SSLContext context, SSLParameters parameters, String serverName) {
        this.context = context;
        this.parameters = parameters;
        this.serverName = serverName;
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
}
