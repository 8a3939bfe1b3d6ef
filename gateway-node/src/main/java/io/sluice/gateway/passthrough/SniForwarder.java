package io.sluice.gateway.passthrough;

import io.sluice.gateway.proxy.UpstreamConnector;
import io.sluice.upstream.ProxyHeader;
import io.sluice.upstream.UpstreamSockets;
import io.sluice.routing.Cluster;
import io.sluice.routing.ClusterPolicy;
import io.sluice.routing.OutboundPolicy;
import io.sluice.routing.RouteTable;
import io.sluice.routing.SniRouter;
import io.sluice.routing.Subnets;
import io.sluice.routing.TcpRoute;
import io.sluice.routing.Upstream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sends a TLS stream, whose ClientHello has been read, to where its server name routes: a weighted
 * cluster of the current table's SNI router for the port. What no route claims is closed, or, for the
 * mesh proxy, left to the outbound policy (ALLOW_ANY: to the host the client asked for; REGISTRY_ONLY:
 * closed, so the client's handshake fails). A cluster's {@code connectionPool.tcp.maxConnections} bounds
 * its open streams. One log line per stream, like Envoy's TCP access log.
 */
public final class SniForwarder {

    private static final Logger ACCESS = Logger.getLogger("io.sluice.gateway.access.tcp");

    private final Supplier<RouteTable> table;
    private final UpstreamConnector upstreams;
    private final TcpObserver observer;
    /** Streams open per cluster name, held against its {@code connectionPool.tcp.maxConnections}. */
    private final ConcurrentHashMap<String, AtomicInteger> open = new ConcurrentHashMap<>();

    public SniForwarder(Supplier<RouteTable> table, UpstreamConnector upstreams, TcpObserver observer) {
        this.table = table;
        this.upstreams = upstreams;
        this.observer = observer;
    }

    /** Whether a gateway port carries plain TCP, routed without reading a ClientHello. */
    boolean plainTcp(int port) {
        SniRouter router = table.get().sniRouter(port);
        return router != null && router.plainTcp();
    }

    /**
     * @param requested the host:port the client asked the proxy for (CONNECT), or null on a gateway
     *                  port, where only routes count
     */
    public void forward(Socket client, ClientHello hello, int port, InetSocketAddress requested)
            throws InterruptedException {
        RouteTable t = table.get();
        SniRouter router = t.sniRouter(port);
        String name = hello.serverName() != null ? hello.serverName()
                : requested != null ? requested.getHostString().toLowerCase(java.util.Locale.ROOT) : null;
        // the address the stream is for: the one connected to, or through the mesh proxy the one asked for
        InetAddress destination = requested == null ? client.getLocalAddress()
                : Subnets.literal(requested.getHostString());
        TcpRoute route = router == null ? null : router.route(name, client.getInetAddress(), destination);
        Socket upstream = null;
        String cluster;
        // Istio's TCP metric labels: the destination service and version, and Envoy's response flags
        String service = "unknown";
        String version = "unknown";
        String flags = "-";
        ClusterPolicy.ConnectionPool pool = ClusterPolicy.ConnectionPool.UNLIMITED;
        AtomicInteger held = null;
        try {
            if (route != null) {
                Cluster c = route.pick(ThreadLocalRandom.current().nextInt(route.totalWeight()));
                cluster = c.name();
                service = c.host();
                version = c.version();
                pool = c.policy().pool();
                if (!c.hasEndpoints()) {
                    flags = "UH";
                } else if ((held = hold(cluster, pool.maxConnections())) == null) {
                    flags = "UO"; // Envoy's circuit breaker: the cluster's connections are all open
                } else {
                    Upstream endpoint = c.pick(ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE));
                    ProxyHeader header = ProxyHeader.of(c.policy().proxyProtocol(),
                            (InetSocketAddress) client.getRemoteSocketAddress(),
                            (InetSocketAddress) client.getLocalSocketAddress());
                    Socket s = UpstreamSockets.connect(upstreams.address(endpoint), pool, header);
                    if (c.policy().tunnel() != null) {
                        try {
                            UpstreamSockets.tunnel(s, c.policy().tunnel(), pool);
                        } catch (IOException e) {
                            s.close();
                            throw e;
                        }
                    }
                    upstream = s;
                }
            } else if (requested != null && t.outbound() == OutboundPolicy.ALLOW_ANY) {
                cluster = OutboundPolicy.ALLOW_ANY.clusterName();
                service = cluster;
                Upstream asked = new Upstream(requested.getHostString(), requested.getPort(), java.util.Map.of());
                upstream = UpstreamSockets.connect(upstreams.address(asked), pool, null);
            } else if (requested != null) {
                cluster = OutboundPolicy.REGISTRY_ONLY.clusterName();
                service = cluster;
            } else {
                cluster = "-";
                flags = "NR";
            }
        } catch (IOException e) {
            cluster = "connect failed";
            flags = "UF";
            ACCESS.log(Level.FINE, "upstream connect failed", e);
        }
        upstreams.counters().count(cluster);
        ACCESS.info(() -> "\"- - -\" port " + port + " sni " + (hello.serverName() == null ? "-" : hello.serverName())
                + " " + (route == null ? "no route" : route.origin()));
        TcpObserver.Stream stream = observer.opened(service, version, flags);
        try {
            if (upstream == null) {
                closeQuietly(client); // no route, blocked, over the limit or unreachable: the stream ends
                stream.closed();
                return;
            }
            TcpRelay.relay(client, upstream, hello.bytes(), pool.tcpIdleTimeout(), stream);
        } finally {
            if (held != null) {
                held.decrementAndGet();
            }
        }
    }

    /** One of a cluster's connections, or null when all {@code max} are open. */
    private AtomicInteger hold(String cluster, int max) {
        AtomicInteger streams = open.computeIfAbsent(cluster, k -> new AtomicInteger());
        if (streams.incrementAndGet() > max) {
            streams.decrementAndGet();
            return null;
        }
        return streams;
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
