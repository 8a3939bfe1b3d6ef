package io.sluice.routing;

import io.sluice.model.HostNames;
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

    /**
     * The virtual host for a request's host, or null when none is configured. Host names compare
     * case-insensitively and without the port, so {@code SockShop.com:80} finds {@code sockshop.com}.
     */
    public VirtualHost virtualHost(String host) {
        return hosts.find(HostNames.normalizeAuthority(host));
    }
}
