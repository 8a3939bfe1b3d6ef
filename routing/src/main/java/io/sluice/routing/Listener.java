package io.sluice.routing;

import io.sluice.model.HostNames;
import java.util.Map;

/**
 * A gateway server port: its protocol, the virtual hosts served on it and, for HTTPS, its TLS servers.
 *
 * @param port     the port the Gateway resource names (80); the node serves it at its own offset
 * @param protocol HTTP, HTTPS, TLS … as upper-case Istio protocol names
 * @param tls      the servers terminating TLS on this port, or null for plain HTTP
 */
public record Listener(int port, String protocol, HostMatcher<VirtualHost> hosts, ListenerTls tls) {

    public Listener(int port, String protocol, HostMatcher<VirtualHost> hosts) {
        this(port, protocol, hosts, null);
    }

    public static Listener of(int port, String protocol, Map<String, VirtualHost> byHost) {
        return new Listener(port, protocol, HostMatcher.of(byHost), null);
    }

    public static Listener of(int port, String protocol, Map<String, VirtualHost> byHost, ListenerTls tls) {
        return new Listener(port, protocol, HostMatcher.of(byHost), tls);
    }

    /**
     * The virtual host for a request's host, or null when none is configured. Host names compare
     * case-insensitively and without the port, so {@code SockShop.com:80} finds {@code sockshop.com}.
     */
    public VirtualHost virtualHost(String host) {
        return hosts.find(HostNames.normalizeAuthority(host));
    }
}
