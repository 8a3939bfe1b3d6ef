package io.sluice.gateway.proxy;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.http1.Http1ConnectionSelectorConfig;
import io.helidon.webserver.http2.Http2ConnectionSelector;
import io.sluice.gateway.tls.TlsParameters;
import io.sluice.routing.Listener;
import io.sluice.routing.ListenerTls;
import io.sluice.routing.RouteTable;
import io.sluice.service.Servers;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import java.util.logging.Logger;

/**
 * Opens a local port for every gateway server port the table has (80 → 8080 on an ingress node) and
 * closes the ones it no longer has. Helidon fixes listeners when a server is built, so each port is a
 * server of its own; one starts in milliseconds beside the running ones, and open connections on
 * other ports are untouched.
 *
 * <p>A port with TLS servers is an HTTPS server whose certificates are chosen per handshake from the
 * current table and credentials, so new hosts and rotated Secrets need no restart; only a change of
 * what JSSE fixes per socket (protocol versions, cipher suites, client-certificate request) restarts
 * the port, which closes its open connections.
 */
public final class ListenerManager implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ListenerManager.class.getName());
    private final String host;
    private final IntUnaryOperator localPort;
    private final Proxy proxy;
    private final Map<Integer, Running> servers = new HashMap<>();
    /** The table last reconciled to: a retry opens what it still wants, never what a newer table dropped. */
    private RouteTable last;

    /** A port's server and the TLS parameters it was built with (null for plain HTTP). */
    private record Running(WebServer server, TlsParameters tls) {
    }

    /**
     * @param localPort maps a Gateway server port to the local port to listen on
     */
    public ListenerManager(String host, IntUnaryOperator localPort, Proxy proxy) {
        this.host = host;
        this.localPort = localPort;
        this.proxy = proxy;
    }

    public synchronized void reconcile(RouteTable t) {
        last = t;
        Set<Integer> wanted = new HashSet<>(t.ports());
        for (var it = servers.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!wanted.contains(e.getKey())) {
                e.getValue().server().stop();
                it.remove();
                LOG.info("closed gateway port " + e.getKey());
            }
        }
        for (int port : wanted) {
            Listener l = t.listener(port);
            TlsParameters tls = l.tls() == null ? null : TlsParameters.of(l.tls());
            Running running = servers.get(port);
            if (running != null && Objects.equals(running.tls(), tls)) {
                continue; // certificates and hosts are read per handshake: nothing to do
            }
            if (running != null) {
                running.server().stop();
                servers.remove(port);
                LOG.info("restarting gateway port " + port + " for new TLS parameters: " + tls);
            }
            start(port, tls);
        }
    }

    private void start(int port, TlsParameters tls) {
        int local = localPort.applyAsInt(port);
        try {
            WebServerConfig.Builder b = WebServer.builder()
                    .host(host)
                    .port(local)
                    // as Envoy: a response's head and body go out at once, not after the client's delayed ACK
                    .connectionOptions(o -> o.tcpNoDelay(true))
                    .routing(r -> r.any(proxy.handler(port, tls == null ? "http" : "https")))
                    .protocolsDiscoverServices(false)
                    .addConnectionSelector(http1(port, tls == null ? "http" : "https"))
                    // HTTP/2 by ALPN on TLS ports and by prior knowledge (h2c) on plain ones. Not by h2c
                    // upgrade: the JDK's HttpClient tries that first, and its upgraded requests with a Host
                    // header were dropped by the server; as a selector, HTTP/1.1 never offers the upgrade
                    .addConnectionSelector(Http2ConnectionSelector.builder().http2Config(ClientLimits.HTTP2).build());
            if (tls != null) {
                b.tls(proxy.tls().tls(tls, () -> listenerTls(port)));
            }
            WebServer s = Servers.start(b.build(), "gateway port " + port + " on " + host + ":" + local);
            servers.put(port, new Running(s, tls));
            LOG.info("gateway port " + port + " listening on " + host + ":" + s.port()
                    + (tls == null ? "" : " (TLS " + tls + ")"));
        } catch (RuntimeException e) {
            // the message, not the trace: a port held by another process is retried, and logged, until free
            LOG.warning("cannot listen on " + host + ":" + local + " for gateway port " + port + ": " + e);
        }
    }

    /** HTTP/1.1 with WebSocket upgrades tunnelled to the routes' endpoints. */
    private Http1ConnectionSelector http1(int port, String scheme) {
        WebSocketUpgrade websocket = new WebSocketUpgrade(proxy, port, scheme);
        Http1ConnectionSelectorConfig.Builder b = Http1ConnectionSelector.builder().config(ClientLimits.HTTP1);
        WebSocketUpgrade.PROTOCOLS.forEach(p -> b.putUpgrader(p, websocket));
        return b.build();
    }

    /** Tries again to open the ports of the last table that failed to open (another process held them). */
    public synchronized void retry() {
        if (last != null) {
            reconcile(last);
        }
    }

    /** How many ports the last table has that are not listening. */
    public synchronized int unbound() {
        return last == null ? 0 : last.ports().size() - servers.size();
    }

    private ListenerTls listenerTls(int port) {
        Listener l = proxy.table().get().listener(port);
        return l == null ? null : l.tls();
    }

    /** The local port serving a gateway server port, or -1. */
    public synchronized int localPort(int gatewayPort) {
        Running r = servers.get(gatewayPort);
        return r == null ? -1 : r.server().port();
    }

    @Override
    public synchronized void close() {
        servers.values().forEach(r -> r.server().stop());
        servers.clear();
    }
}
