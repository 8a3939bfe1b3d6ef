package io.sluice.routing;

import java.util.Map;

/**
 * A port whose streams are relayed, never decrypted. A TLS port routes each stream by its ClientHello's
 * server name: a Gateway server with {@code tls.mode} PASSTHROUGH or AUTO_PASSTHROUGH, or the mesh
 * proxy's view of a TLS port. A plain TCP port (a Gateway server of protocol TCP) sends every stream
 * the one way its VirtualServices' {@code tcp} rules chose, reading nothing first: in many TCP protocols
 * the server speaks first.
 *
 * @param port     the port the Gateway (or the service) names, 443; the node serves it at its own offset
 * @param routes   by server-name pattern, looked up like HTTP hosts (exact, then wildcards, then *)
 * @param plainTcp whether the port carries plain TCP
 * @param tcp      a plain TCP port's route, or null when no rule claims it
 */
public record SniRouter(int port, HostMatcher<TcpRoute> routes, boolean plainTcp, TcpRoute tcp) {

    public static SniRouter of(int port, Map<String, TcpRoute> bySni) {
        return new SniRouter(port, HostMatcher.of(bySni), false, null);
    }

    public static SniRouter plainTcp(int port, TcpRoute route) {
        return new SniRouter(port, HostMatcher.of(Map.of()), true, route);
    }

    /** The route for a server name (lower-cased by the caller), or null; a plain TCP port ignores the name. */
    public TcpRoute route(String serverName) {
        if (plainTcp) {
            return tcp;
        }
        return serverName == null ? null : routes.find(serverName);
    }
}
