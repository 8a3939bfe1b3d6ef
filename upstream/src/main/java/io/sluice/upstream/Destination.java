package io.sluice.upstream;

import io.sluice.routing.ClusterPolicy;
import java.time.Duration;

/**
 * Where a request goes: the address to connect to (after resolver overrides), the TLS to originate
 * (null for plain text), and how its connections are kept. Connections are pooled per destination.
 *
 * @param idleTimeout a connection idle for this long is not reused (the pool's own limit still applies)
 * @param maxLifetime a connection open for this long is not reused; null means no limit
 * @param keepalive   TCP keepalive probes on its connections; null leaves the OS's default (off)
 * @param http2       spoken to in HTTP/2 (with prior knowledge in cleartext, by ALPN over TLS), on connections
 *                    of its own kind
 * @param proxyHeader what each connection starts with, or null; as it names the client, connections are
 *                    pooled per client connection, as Envoy pools them
 */
public record Destination(String host, int port, TlsOrigin tls, Duration idleTimeout, Duration maxLifetime,
                          ClusterPolicy.Keepalive keepalive, boolean http2, ProxyHeader proxyHeader) {

    /** An HTTP/1.1 destination whose connections live as the pool's defaults allow. */
    public Destination(String host, int port, TlsOrigin tls) {
        this(host, port, tls, ConnectionPool.IDLE_TIMEOUT, null, null, false, null);
    }
}
