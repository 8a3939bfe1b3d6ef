package io.sluice.gateway.proxy;

import io.sluice.gateway.resilience.UpstreamState;
import io.sluice.gateway.tls.GatewayTls;
import io.sluice.model.net.ResolveOverrides;
import io.sluice.routing.RouteTable;
import java.util.function.Supplier;

/**
 * What every listener of a node shares: the current table, the upstream clients, the run-time state of
 * upstreams, who is told about each answered request, the mirror tap, where names resolve to before
 * DNS, and the node's TLS termination.
 */
public record Proxy(Supplier<RouteTable> table, UpstreamClients clients, UpstreamState upstreams,
                    ExchangeObserver observer, RequestTap tap, ResolveOverrides resolve, GatewayTls tls) {

    public ProxyHandler handler(int gatewayPort, String scheme) {
        return new ProxyHandler(this, gatewayPort, scheme);
    }
}
