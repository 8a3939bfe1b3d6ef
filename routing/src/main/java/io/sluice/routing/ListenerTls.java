package io.sluice.routing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TLS servers of one HTTPS port, found by SNI as Envoy chooses a filter chain: the exact name,
 * then the longest wildcard suffix, then a server for {@code *}. A handshake whose SNI finds no server
 * (or that sends none, unless a {@code *} server exists) is refused, as Istio refuses it.
 */
public final class ListenerTls {

    private final List<ServerTls> servers;
    private final HostMatcher<ServerTls> byHost;

    private ListenerTls(List<ServerTls> servers, HostMatcher<ServerTls> byHost) {
        this.servers = servers;
        this.byHost = byHost;
    }

    /** The first server to claim a host keeps it; Istio rejects the later duplicate. */
    public static ListenerTls of(List<ServerTls> servers) {
        Map<String, ServerTls> byPattern = new LinkedHashMap<>();
        for (ServerTls s : servers) {
            s.hosts().forEach(h -> byPattern.putIfAbsent(h, s));
        }
        return new ListenerTls(List.copyOf(servers), HostMatcher.of(byPattern));
    }

    public List<ServerTls> servers() {
        return servers;
    }

    /** The server a handshake with this SNI gets, or null; a null or empty name means no SNI. */
    public ServerTls forServerName(String sni) {
        return byHost.find(sni == null ? "" : io.sluice.model.HostNames.normalizeAuthority(sni));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ListenerTls other && servers.equals(other.servers);
    }

    @Override
    public int hashCode() {
        return servers.hashCode();
    }

    @Override
    public String toString() {
        return "ListenerTls" + servers;
    }
}
