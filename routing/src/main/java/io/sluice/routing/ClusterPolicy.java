package io.sluice.routing;

import java.time.Duration;

/**
 * A cluster's DestinationRule trafficPolicy (the subset's blocks over the rule's top-level ones),
 * compiled with Istio's defaults filled in.
 *
 * @param outlier       null when outlier detection is off (no {@code outlierDetection} block)
 * @param proxyProtocol the PROXY protocol header each connection to the endpoints starts with, or null
 * @param tunnel        where TCP streams ask the endpoints (HTTP proxies) to take them, or null
 */
public record ClusterPolicy(LoadBalancer loadBalancer, ConnectionPool pool, Outlier outlier,
                            ProxyProtocol proxyProtocol, Tunnel tunnel) {

    public static final ClusterPolicy DEFAULT = new ClusterPolicy(LoadBalancer.ROUND_ROBIN, ConnectionPool.UNLIMITED,
            null);

    /** A policy whose connections start with no PROXY protocol header and tunnel nothing. */
    public ClusterPolicy(LoadBalancer loadBalancer, ConnectionPool pool, Outlier outlier) {
        this(loadBalancer, pool, outlier, null, null);
    }

    /** The versions of the PROXY protocol (HAProxy's): a text line, or a binary header. */
    public enum ProxyProtocol { V1, V2 }

    /** An HTTP CONNECT to this host and port, asked of the endpoint before a TCP stream is relayed. */
    public record Tunnel(String targetHost, int targetPort) {
    }

    public enum Algorithm { ROUND_ROBIN, LEAST_REQUEST, RANDOM, CONSISTENT_HASH }

    /** What a consistent hash is computed from. */
    public enum HashSource { HEADER, COOKIE, SOURCE_IP, QUERY_PARAMETER }

    /**
     * @param hashSource null unless the algorithm is CONSISTENT_HASH
     * @param hashKey    the header, cookie or query parameter name (header names lower-case)
     * @param newCookie  for a cookie hash with a ttl, the cookie given to a request that has none; else null
     * @param warmup     slow start for endpoints that join (ROUND_ROBIN and LEAST_REQUEST), or null
     */
    public record LoadBalancer(Algorithm algorithm, HashSource hashSource, String hashKey, NewCookie newCookie,
                               Warmup warmup) {

        public static final LoadBalancer ROUND_ROBIN = new LoadBalancer(Algorithm.ROUND_ROBIN, null, null);

        public LoadBalancer(Algorithm algorithm, HashSource hashSource, String hashKey) {
            this(algorithm, hashSource, hashKey, null, null);
        }
    }

    /**
     * Envoy's slow start: while an endpoint is younger than {@code duration} its weight is
     * {@code max(minimumPercent / 100, (age / duration) ^ (1 / aggression))} of a full one.
     */
    public record Warmup(Duration duration, double minimumPercent, double aggression) {

        /** The endpoint's weight, 0 to 1, at an age in nanoseconds. */
        public double weight(long ageNanos) {
            if (ageNanos >= duration.toNanos()) {
                return 1;
            }
            double time = Math.max(0, (double) ageNanos / duration.toNanos());
            return Math.max(minimumPercent / 100, Math.pow(time, 1 / aggression));
        }
    }

    /**
     * The cookie Envoy sets for a cookie hash with a ttl, so that a client without one sticks to the
     * endpoint its first request went to.
     *
     * @param attributes what follows the value, as Set-Cookie carries it: {@code ; Max-Age=60; Path=/; HttpOnly}
     */
    public record NewCookie(String name, String attributes) {

        /** The Set-Cookie value for a generated value, quoted as Envoy quotes it. */
        public String header(String value) {
            return name + "=\"" + value + "\"" + attributes;
        }
    }

    /**
     * Envoy's circuit breakers and connection lifetimes. Over HTTP/1.1 a connection carries one request at
     * a time, so {@code maxConnections} bounds the requests in flight to the cluster; more wait in a queue
     * of {@code maxPendingRequests}; beyond that a request is refused with 503 UO.
     *
     * @param maxRequests              Istio's http2MaxRequests: in-flight requests, whatever the protocol
     * @param maxRequestsPerConnection 0 means unlimited; 1 turns keep-alive off
     * @param maxRetries               retries outstanding to the cluster at once; a retry beyond them is not made
     * @param idleTimeout              how long a kept-alive upstream connection may wait for its next request
     * @param maxConnectionDuration    how long an upstream connection may live; null means for ever
     * @param keepalive                TCP keepalive probes on upstream connections; null means the OS default (off)
     * @param tcpIdleTimeout           how long a relayed TCP connection may pass no bytes either way
     * @param upgradeToHttp2           h2UpgradePolicy UPGRADE: HTTP ports are spoken to in HTTP/2 too
     * @param useClientProtocol        a request goes on in the HTTP version it came in
     */
    public record ConnectionPool(int maxConnections, Duration connectTimeout, int maxPendingRequests,
                                 int maxRequests, int maxRequestsPerConnection, int maxRetries,
                                 Duration idleTimeout, Duration maxConnectionDuration, Keepalive keepalive,
                                 Duration tcpIdleTimeout, boolean upgradeToHttp2, boolean useClientProtocol) {

        /** Envoy's and Istio's defaults: 2^32-1 (capped to int here), 10 s to connect, 1 h idle. */
        public static final ConnectionPool UNLIMITED = new ConnectionPool(Integer.MAX_VALUE, Duration.ofSeconds(10),
                Integer.MAX_VALUE, Integer.MAX_VALUE, 0, Integer.MAX_VALUE, Duration.ofHours(1), null, null,
                Duration.ofHours(1), false, false);

        public boolean unlimited() {
            return maxConnections == Integer.MAX_VALUE && maxRequests == Integer.MAX_VALUE;
        }
    }

    /** TCP keepalive on a connection; a null field keeps the OS's value. */
    public record Keepalive(Integer probes, Duration time, Duration interval) {
    }

    /**
     * @param consecutive5xx     errors (5xx or no response) that eject a host; 0 disables
     * @param consecutiveGateway 502/503/504 or no response that eject a host; 0 disables
     * @param interval           how often ejections are reviewed; the multiplier drops once per healthy interval
     * @param baseEjectionTime   an ejection lasts this times the number of times the host was ejected
     * @param minHealthPercent   below this share of hosts not ejected, ejections are ignored and every host
     *                           takes traffic; 0 never ignores them
     * @param splitLocalOrigin   whether tries that got no answer (connect failure, reset, timeout) count
     *                           apart, toward {@code consecutiveLocalOrigin}, instead of as 503/504 answers
     */
    public record Outlier(int consecutive5xx, int consecutiveGateway, Duration interval, Duration baseEjectionTime,
                          int maxEjectionPercent, int minHealthPercent, boolean splitLocalOrigin,
                          int consecutiveLocalOrigin) {

        /** Envoy's defaults for the local-origin split: off, and 5 failures when on. */
        public Outlier(int consecutive5xx, int consecutiveGateway, Duration interval, Duration baseEjectionTime,
                       int maxEjectionPercent, int minHealthPercent) {
            this(consecutive5xx, consecutiveGateway, interval, baseEjectionTime, maxEjectionPercent, minHealthPercent,
                    false, 5);
        }
    }
}
