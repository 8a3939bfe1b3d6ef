package io.sluice.model.istio;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** networking.istio.io DestinationRule. */
public record DestinationRuleSpec(String host,
                                  TrafficPolicy trafficPolicy,
                                  List<Subset> subsets,
                                  List<String> exportTo,
                                  WorkloadSelector workloadSelector) {

    public DestinationRuleSpec {
        subsets = subsets == null ? List.of() : List.copyOf(subsets);
        exportTo = exportTo == null ? List.of() : List.copyOf(exportTo);
    }

    public record Subset(String name, Map<String, String> labels, TrafficPolicy trafficPolicy) {

        public Subset {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
        }
    }

    /** Load balancing, connection pool, outlier detection and per-port settings are typed; {@code tls} is read as JSON. */
    public record TrafficPolicy(LoadBalancerSettings loadBalancer,
                                ConnectionPoolSettings connectionPool,
                                OutlierDetection outlierDetection,
                                JsonNode tls,
                                List<PortTrafficPolicy> portLevelSettings,
                                TunnelSettings tunnel,
                                ProxyProtocol proxyProtocol) {

        public TrafficPolicy {
            portLevelSettings = portLevelSettings == null ? List.of() : List.copyOf(portLevelSettings);
        }
    }

    /**
     * TCP streams to the endpoints carried through them as through an HTTP proxy: each connection first
     * asks for {@code targetHost:targetPort} ({@code CONNECT}, the default, or {@code POST}).
     */
    public record TunnelSettings(String protocol, String targetHost, Integer targetPort) {
    }

    /** The PROXY protocol header sent first on each connection to the endpoints; {@code V1} by default. */
    public record ProxyProtocol(String version) {

        public static final List<String> VERSIONS = List.of("V1", "V2");

        public String versionOrDefault() {
            return version == null ? "V1" : version;
        }
    }

    /**
     * One port's policy. As in Istio it does not inherit: for its port it replaces the load balancer,
     * connection pool, outlier detection and TLS of the policy it sits in, and a block it leaves out
     * takes the defaults.
     */
    public record PortTrafficPolicy(PortSelector port, LoadBalancerSettings loadBalancer,
                                    ConnectionPoolSettings connectionPool, OutlierDetection outlierDetection,
                                    JsonNode tls) {
    }

    /**
     * {@code simple}: ROUND_ROBIN (default), LEAST_REQUEST (LEAST_CONN is its old name), RANDOM, PASSTHROUGH.
     * {@code warmupDurationSecs} is the older spelling of {@code warmup.duration}.
     */
    public record LoadBalancerSettings(String simple, ConsistentHashLB consistentHash, String warmupDurationSecs,
                                       WarmupConfiguration warmup, LocalityLbSetting localityLbSetting) {
    }

    /**
     * Istio's locality load balancing: endpoints nearer the gateway node are preferred, the others take
     * traffic as the near ones fail (which needs outlier detection to see it). {@code failover} names,
     * per region, the region to go to first; {@code failoverPriority} orders endpoints by the labels
     * they share with the node ({@code key}) or carry ({@code key=value}) instead. {@code distribute}
     * instead splits a node's traffic over localities by weight. {@code enabled: false} turns it off.
     */
    public record LocalityLbSetting(List<Distribute> distribute, List<Failover> failover,
                                    List<String> failoverPriority, Boolean enabled) {

        public LocalityLbSetting {
            distribute = distribute == null ? List.of() : List.copyOf(distribute);
            failover = failover == null ? List.of() : List.copyOf(failover);
            failoverPriority = failoverPriority == null ? List.of() : List.copyOf(failoverPriority);
        }
    }

    /**
     * For nodes in {@code from}, the share of traffic each locality in {@code to} gets (summing to 100);
     * localities are {@code region/zone/subzone}, a {@code *} standing for every value of the parts from it on.
     */
    public record Distribute(String from, Map<String, Integer> to) {

        public Distribute {
            to = to == null ? Map.of() : Map.copyOf(to);
        }
    }

    public record Failover(String from, String to) {
    }

    /**
     * Slow start: an endpoint that joins gets a share of requests that grows over {@code duration}, from
     * {@code minimumPercent} (default 10) of a full one, along {@code (age / duration) ^ (1 / aggression)}
     * (default 1: linear).
     */
    public record WarmupConfiguration(String duration, Double minimumPercent, Double aggression) {
    }

    /** Exactly one of the hash keys. {@code ringHash}/{@code maglev} pick Envoy's table; any consistent hash serves. */
    public record ConsistentHashLB(String httpHeaderName, HTTPCookie httpCookie, Boolean useSourceIp,
                                   String httpQueryParameterName, JsonNode ringHash, JsonNode maglev,
                                   Long minimumRingSize) {
    }

    /**
     * @param ttl        with it, a request without the cookie gets one (Set-Cookie on the answer), so that
     *                   the client sticks to the endpoint from then on; {@code 0s} makes a session cookie
     * @param attributes further attributes of a generated cookie ({@code SameSite=Strict}, {@code Secure})
     */
    public record HTTPCookie(String name, String path, String ttl, List<CookieAttribute> attributes) {

        public HTTPCookie {
            attributes = attributes == null ? List.of() : List.copyOf(attributes);
        }
    }

    /** An attribute of a generated cookie; one without a value is a flag ({@code Secure}). */
    public record CookieAttribute(String name, String value) {
    }

    public record ConnectionPoolSettings(TCPSettings tcp, HTTPSettings http) {
    }

    /**
     * {@code maxConnections} default 2^32-1; {@code connectTimeout} default 10s; {@code idleTimeout} (a TCP
     * proxy's connection without bytes either way) default 1h; no {@code maxConnectionDuration}; keepalive
     * probes only with {@code tcpKeepalive}, whose unset fields keep the OS's values.
     */
    public record TCPSettings(Integer maxConnections, String connectTimeout, TcpKeepalive tcpKeepalive,
                              String maxConnectionDuration, String idleTimeout) {
    }

    public record TcpKeepalive(Integer probes, String time, String interval) {
    }

    /**
     * {@code http1MaxPendingRequests}, {@code http2MaxRequests}, {@code maxRequestsPerConnection} and
     * {@code maxRetries} (retries outstanding to the cluster at once) default unlimited; {@code idleTimeout}
     * (a kept-alive upstream connection without requests) defaults to 1h. {@code h2UpgradePolicy}
     * UPGRADE speaks HTTP/2 to the destination's HTTP ports too (its gRPC and HTTP/2 ports always are);
     * {@code useClientProtocol} speaks to it in the protocol each request came in.
     */
    public record HTTPSettings(Integer http1MaxPendingRequests, Integer http2MaxRequests,
                               Integer maxRequestsPerConnection, String idleTimeout, Integer maxRetries,
                               String h2UpgradePolicy, Boolean useClientProtocol) {

        public static final List<String> H2_UPGRADE_POLICIES = List.of("DEFAULT",
                "DO_NOT_UPGRADE", "UPGRADE");
    }

    /**
     * Defaults as Istio's: {@code consecutive5xxErrors} 5 (0 disables), {@code consecutiveGatewayErrors}
     * off, {@code interval} 10s, {@code baseEjectionTime} 30s, {@code maxEjectionPercent} 10,
     * {@code minHealthPercent} 0 (ejecting never stops for want of healthy hosts),
     * {@code splitExternalLocalOriginErrors} off, {@code consecutiveLocalOriginFailures} 5.
     */
    public record OutlierDetection(Integer consecutive5xxErrors, Integer consecutiveGatewayErrors,
                                   Integer consecutiveErrors, String interval, String baseEjectionTime,
                                   Integer maxEjectionPercent, Integer minHealthPercent,
                                   Boolean splitExternalLocalOriginErrors, Integer consecutiveLocalOriginFailures) {
    }
}
