package io.sluice.gateway.proxy;

import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.WebServer;
import io.sluice.model.net.ResolveOverrides;
import io.sluice.routing.RouteTable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Opens a local port for every gateway server port the table has (80 → 8080 on an ingress node) and
 * closes the ones it no longer has. Helidon fixes listeners when a server is built, so each port is a
 * server of its own; one starts in milliseconds beside the running ones, and open connections on
 * other ports are untouched.
 */
public final class ListenerManager implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ListenerManager.class.getName());

    private final String host;
    private final IntUnaryOperator localPort;
    private final Supplier<RouteTable> table;
    private final WebClient client = ProxyHandler.upstreamClient();
    private final Map<Integer, WebServer> servers = new HashMap<>();
    private final ResolveOverrides resolve;

    /**
     * @param localPort maps a Gateway server port to the local port to listen on
     * @param resolve   name-resolution overrides used when connecting upstream
     */
    public ListenerManager(String host, IntUnaryOperator localPort, Supplier<RouteTable> table,
                           ResolveOverrides resolve) {
        this.host = host;
        this.localPort = localPort;
        this.table = table;
        this.resolve = resolve;
    }

    public synchronized void reconcile(RouteTable t) {
        Set<Integer> wanted = new HashSet<>(t.ports());
        for (var it = servers.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!wanted.contains(e.getKey())) {
                e.getValue().stop();
                it.remove();
                LOG.info("closed gateway port " + e.getKey());
            }
        }
        for (int port : wanted) {
            if (servers.containsKey(port)) {
                continue;
            }
            int local = localPort.applyAsInt(port);
            try {
                WebServer s = WebServer.builder()
                        .host(host)
                        .port(local)
                        .routing(r -> r.any(new ProxyHandler(table, port, "http", client, resolve)))
                        .build()
                        .start();
                servers.put(port, s);
                LOG.info("gateway port " + port + " listening on " + host + ":" + s.port());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "cannot listen on " + host + ":" + local + " for gateway port " + port, e);
            }
        }
    }

    /** The local port serving a gateway server port, or -1. */
    public synchronized int localPort(int gatewayPort) {
        WebServer s = servers.get(gatewayPort);
        return s == null ? -1 : s.port();
    }

    @Override
    public synchronized void close() {
        servers.values().forEach(WebServer::stop);
        servers.clear();
    }
}
