package io.sluice.routing;

import java.util.Map;

/**
 * A port whose TLS streams are routed by the ClientHello's server name, never decrypted: a Gateway
 * server with {@code tls.mode} PASSTHROUGH or AUTO_PASSTHROUGH, or the mesh proxy's view of a TLS port.
 *
 * @param port   the port the Gateway (or the service) names, 443; the node serves it at its own offset
 * @param routes by server-name pattern, looked up like HTTP hosts (exact, then wildcards, then *)
 */
public record SniRouter(int port, HostMatcher<TcpRoute> routes) {

    public static SniRouter of(int port, Map<String, TcpRoute> bySni) {
        return new SniRouter(port, HostMatcher.of(bySni));
    }

    /** The route for a server name (lower-cased by the caller), or null. */
    public TcpRoute route(String serverName) {
        return serverName == null ? null : routes.find(serverName);
    }
}
