package io.sluice.gateway.proxy;

import io.helidon.webclient.api.WebClient;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP clients to upstreams, one per connect timeout (Helidon fixes it per client), each with its own
 * keep-alive connection cache. Most nodes use one: Istio's default of 10 s.
 */
public final class UpstreamClients {

    private final ConcurrentHashMap<Duration, WebClient> clients = new ConcurrentHashMap<>();

    WebClient forConnectTimeout(Duration connectTimeout) {
        WebClient c = clients.get(connectTimeout);
        return c != null ? c : clients.computeIfAbsent(connectTimeout, UpstreamClients::create);
    }

    private static WebClient create(Duration connectTimeout) {
        return WebClient.builder()
                .followRedirects(false)
                .sendExpectContinue(false)
                .keepAlive(true)
                .connectTimeout(connectTimeout)
                .connectionCacheSize(512)
                // headers and body are separate writes: with Nagle the body waits for the upstream's
                // delayed ACK (40 ms on Linux) on every request
                .socketOptions(o -> o.tcpNoDelay(true))
                .build();
    }
}
