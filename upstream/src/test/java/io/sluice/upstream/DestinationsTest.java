package io.sluice.upstream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.model.net.ResolveOverrides;
import io.sluice.routing.Cluster;
import io.sluice.routing.ClusterPolicy;
import io.sluice.routing.Upstream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DestinationsTest {

    private static final Upstream ENDPOINT = new Upstream("10.0.0.7", 8080, Map.of());
    private static final Destinations.Peers CLIENT = new Destinations.Peers(
            new InetSocketAddress("192.0.2.1", 40000), new InetSocketAddress("127.0.0.1", 8080));

    private static Cluster cluster(ClusterPolicy.ProxyProtocol proxyProtocol) {
        ClusterPolicy.ConnectionPool u = ClusterPolicy.ConnectionPool.UNLIMITED;
        ClusterPolicy.ConnectionPool useClientProtocol = new ClusterPolicy.ConnectionPool(u.maxConnections(),
                u.connectTimeout(), u.maxPendingRequests(), u.maxRequests(), u.maxRequestsPerConnection(),
                u.maxRetries(), Duration.ofHours(1), null, null, u.tcpIdleTimeout(), false, true);
        ClusterPolicy policy = new ClusterPolicy(ClusterPolicy.LoadBalancer.ROUND_ROBIN, useClientProtocol, null,
                proxyProtocol, null);
        return new Cluster("legacy.example", 80, "", "", List.of(ENDPOINT), false, policy, null, false);
    }

    @Test
    void useClientProtocolCarriesAnHttp2ClientOnInHttp2() {
        Destination d = new Destinations(ResolveOverrides.none()).destination(cluster(null), ENDPOINT, true, CLIENT);
        assertTrue(d.http2());
    }

    /** The HTTP/2 clients cannot send a PROXY header; an endpoint that requires one got a bare h2 preface. */
    @Test
    void anEndpointThatWantsAProxyHeaderGetsItInHttp11EvenForAnHttp2Client() {
        Destination d = new Destinations(ResolveOverrides.none())
                .destination(cluster(ClusterPolicy.ProxyProtocol.V2), ENDPOINT, true, CLIENT);
        assertFalse(d.http2());
        assertNotNull(d.proxyHeader());
    }
}
