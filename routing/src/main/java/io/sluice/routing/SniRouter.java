package io.sluice.routing;

import java.net.InetAddress;
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
 * @param tcp      a plain TCP port's routes, or null when no rule claims it
 */
public record SniRouter(int port, HostMatcher<TcpRoute> routes, boolean plainTcp, TcpRoute tcp) {

    public static SniRouter of(int port, Map<String, TcpRoute> bySni) {
        return new SniRouter(port, HostMatcher.of(bySni), false, null);
    }

    public static SniRouter plainTcp(int port, TcpRoute route) {
        return new SniRouter(port, HostMatcher.of(Map.of()), true, route);
    }

    /**
     * The route for a stream, or null: by its server name (lower-cased by the caller; a plain TCP port
     * ignores it), then the first rule for that name that takes its addresses.
     *
     * @param source      the client's address
     * @param destination the address the client connected to (a CONNECT's, when it named one), or null
     */
    public TcpRoute route(String serverName, InetAddress source, InetAddress destination) {
        TcpRoute rules = plainTcp ? tcp : serverName == null ? null : routes.find(serverName);
        return rules == null ? null : rules.taking(source, destination);
    }
}
