package io.sluice.routing;

import java.util.Map;

/**
 * A gateway server port: its protocol and the virtual hosts served on it.
 *
 * @param port     the port the Gateway resource names (80); the node serves it at its own offset
 * @param protocol HTTP, HTTPS, TLS … as upper-case Istio protocol names
 */
public record Listener(int port, String protocol, HostMatcher<VirtualHost> hosts) {

    public static Listener of(int port, String protocol, Map<String, VirtualHost> byHost) {
        return new Listener(port, protocol, HostMatcher.of(byHost));
    }

    /** The virtual host for a request's host (lower-case, no port), or null when none is configured. */
    public VirtualHost virtualHost(String host) {
        return hosts.find(host);
    }
}
