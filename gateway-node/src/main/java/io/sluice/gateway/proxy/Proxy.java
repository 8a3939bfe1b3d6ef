package io.sluice.gateway.proxy;

import io.sluice.gateway.resilience.UpstreamState;
import io.sluice.routing.RouteTable;
import java.util.function.Supplier;

/**
 * What every listener of a node shares: the current table, the upstream clients, the run-time state of
 * upstreams, who is told about each answered request, and the mirror tap.
 */
public record Proxy(Supplier<RouteTable> table, UpstreamClients clients, UpstreamState upstreams,
                    ExchangeObserver observer, RequestTap tap) {

    public ProxyHandler handler(int gatewayPort, String scheme) {
        return new ProxyHandler(this, gatewayPort, scheme);
    }
}
