package io.sluice.gateway.passthrough;

import io.sluice.routing.RouteTable;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import java.util.logging.Logger;

/**
 * Opens a {@link PassthroughServer} for every passthrough port of the table (443 → 9443 on an egress
 * node) and closes the ones it no longer has; the HTTP ports stay with the ListenerManager. Routes are
 * read from the current table per connection, so a route change needs no reopening.
 */
public final class PassthroughListeners implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PassthroughListeners.class.getName());

    private final String host;
    private final IntUnaryOperator localPort;
    private final SniForwarder forwarder;
    private final Map<Integer, PassthroughServer> servers = new HashMap<>();
    /** The table last reconciled to: a retry opens what it still wants, never what a newer table dropped. */
    private RouteTable last;

    public PassthroughListeners(String host, IntUnaryOperator localPort, SniForwarder forwarder) {
        this.host = host;
        this.localPort = localPort;
        this.forwarder = forwarder;
    }

    public synchronized void reconcile(RouteTable t) {
        last = t;
        Set<Integer> wanted = new HashSet<>(t.passthrough().keySet());
        for (var it = servers.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!wanted.contains(e.getKey())) {
                e.getValue().close();
                it.remove();
                LOG.info("closed passthrough port " + e.getKey());
            }
        }
        for (int port : wanted) {
            if (servers.containsKey(port)) {
                continue;
            }
            int local = localPort.applyAsInt(port);
            try {
                PassthroughServer s = PassthroughServer.start(host, local, port, forwarder);
                servers.put(port, s);
                LOG.info("passthrough port " + port + " listening on " + host + ":" + s.port());
            } catch (IOException e) {
                LOG.warning("cannot listen on " + host + ":" + local + " for passthrough port " + port + ": " + e);
            }
        }
    }

    /** Tries again to open the ports of the last table that failed to open (another process held them). */
    public synchronized void retry() {
        if (last != null) {
            reconcile(last);
        }
    }

    /** How many passthrough ports the last table has that are not listening. */
    public synchronized int unbound() {
        return last == null ? 0 : last.passthrough().size() - servers.size();
    }

    /** The local port serving a passthrough gateway port, or -1. */
    public synchronized int localPort(int gatewayPort) {
        PassthroughServer s = servers.get(gatewayPort);
        return s == null ? -1 : s.port();
    }

    @Override
    public synchronized void close() {
        servers.values().forEach(PassthroughServer::close);
        servers.clear();
    }
}
