package io.sluice.routing;

import io.sluice.model.Durations;
import io.sluice.model.istio.DestinationRuleSpec.ConnectionPoolSettings;
import io.sluice.model.istio.DestinationRuleSpec.CookieAttribute;
import io.sluice.model.istio.DestinationRuleSpec.HTTPCookie;
import io.sluice.model.istio.DestinationRuleSpec.LoadBalancerSettings;
import io.sluice.model.istio.DestinationRuleSpec.LocalityLbSetting;
import io.sluice.model.istio.DestinationRuleSpec.OutlierDetection;
import io.sluice.model.istio.DestinationRuleSpec.PortTrafficPolicy;
import io.sluice.model.istio.DestinationRuleSpec.ProxyProtocol;
import io.sluice.model.istio.DestinationRuleSpec.TcpKeepalive;
import io.sluice.model.istio.DestinationRuleSpec.TrafficPolicy;
import io.sluice.model.istio.DestinationRuleSpec.TunnelSettings;
import java.time.Duration;
import java.util.Locale;

/**
 * Compiles a DestinationRule trafficPolicy into a {@link ClusterPolicy} for one port, as Istio merges:
 * the top-level blocks (loadBalancer, connectionPool, outlierDetection), all three replaced by the
 * top-level settings of the port if it has any; then the subset's blocks one by one, and all three
 * replaced again by the subset's settings of the port. Port settings do not inherit: a block they
 * leave out takes the defaults. {@code proxyProtocol} and {@code tunnel}, which ports do not set, are
 * the subset's or the top level's.
 */
final class ClusterPolicies {

    private ClusterPolicies() {
    }

    /** The three blocks a policy is compiled from; null ones take Istio's defaults. */
    private record Blocks(LoadBalancerSettings lb, ConnectionPoolSettings pool, OutlierDetection od) {

        static final Blocks NONE = new Blocks(null, null, null);

        Blocks overriddenBy(TrafficPolicy p) {
            return new Blocks(p.loadBalancer() != null ? p.loadBalancer() : lb,
                    p.connectionPool() != null ? p.connectionPool() : pool,
                    p.outlierDetection() != null ? p.outlierDetection() : od);
        }

        Blocks atPort(TrafficPolicy p, int port) {
            for (PortTrafficPolicy s : p.portLevelSettings()) {
                if (s.port() != null && s.port().number() != null && s.port().number() == port) {
                    return new Blocks(s.loadBalancer(), s.connectionPool(), s.outlierDetection());
                }
            }
            return this;
        }
    }

    static ClusterPolicy compile(TrafficPolicy top, TrafficPolicy subset, int port) {
        if (top == null && subset == null) {
            return ClusterPolicy.DEFAULT;
        }
        Blocks b = blocks(top, subset, port);
        return new ClusterPolicy(loadBalancer(b.lb()), pool(b.pool()), outlier(b.od()), proxyProtocol(top, subset),
                tunnel(top, subset));
    }

    private static ClusterPolicy.Tunnel tunnel(TrafficPolicy top, TrafficPolicy subset) {
        TunnelSettings t = subset != null && subset.tunnel() != null ? subset.tunnel()
                : top != null ? top.tunnel() : null;
        return t == null || t.targetHost() == null || t.targetPort() == null ? null
                : new ClusterPolicy.Tunnel(t.targetHost(), t.targetPort());
    }

    private static ClusterPolicy.ProxyProtocol proxyProtocol(TrafficPolicy top, TrafficPolicy subset) {
        ProxyProtocol p = subset != null && subset.proxyProtocol() != null ? subset.proxyProtocol()
                : top != null ? top.proxyProtocol() : null;
        return p == null ? null : ClusterPolicy.ProxyProtocol.valueOf(p.versionOrDefault());
    }

    /** The locality setting of the load balancer block that applies, or null. */
    static LocalityLbSetting locality(TrafficPolicy top, TrafficPolicy subset, int port) {
        LoadBalancerSettings lb = blocks(top, subset, port).lb();
        return lb == null ? null : lb.localityLbSetting();
    }

    private static Blocks blocks(TrafficPolicy top, TrafficPolicy subset, int port) {
        Blocks b = top == null ? Blocks.NONE : Blocks.NONE.overriddenBy(top).atPort(top, port);
        if (subset != null) {
            b = b.overriddenBy(subset).atPort(subset, port);
        }
        return b;
    }

    static ClusterPolicy.LoadBalancer loadBalancer(LoadBalancerSettings lb) {
        if (lb == null) {
            return ClusterPolicy.LoadBalancer.ROUND_ROBIN;
        }
        var h = lb.consistentHash();
        if (h != null) {
            if (h.httpHeaderName() != null) {
                return hash(ClusterPolicy.HashSource.HEADER, h.httpHeaderName().toLowerCase(Locale.ROOT));
            }
            if (h.httpCookie() != null) {
                return new ClusterPolicy.LoadBalancer(ClusterPolicy.Algorithm.CONSISTENT_HASH,
                        ClusterPolicy.HashSource.COOKIE, h.httpCookie().name(), newCookie(h.httpCookie()), null);
            }
            if (h.httpQueryParameterName() != null) {
                return hash(ClusterPolicy.HashSource.QUERY_PARAMETER, h.httpQueryParameterName());
            }
            if (Boolean.TRUE.equals(h.useSourceIp())) {
                return hash(ClusterPolicy.HashSource.SOURCE_IP, null);
            }
        }
        String simple = lb.simple() == null ? "ROUND_ROBIN" : lb.simple();
        return switch (simple) {
            case "LEAST_REQUEST", "LEAST_CONN" -> new ClusterPolicy.LoadBalancer(ClusterPolicy.Algorithm.LEAST_REQUEST,
                    null, null, null, warmup(lb));
            case "RANDOM" -> new ClusterPolicy.LoadBalancer(ClusterPolicy.Algorithm.RANDOM, null, null);
            default -> warmup(lb) == null ? ClusterPolicy.LoadBalancer.ROUND_ROBIN
                    : new ClusterPolicy.LoadBalancer(ClusterPolicy.Algorithm.ROUND_ROBIN, null, null, null, warmup(lb));
        };
    }

    /** Istio's warm-up in either spelling, with Envoy's defaults: 10 % to start from, a linear ramp. */
    private static ClusterPolicy.Warmup warmup(LoadBalancerSettings lb) {
        var w = lb.warmup();
        String duration = w != null ? w.duration() : lb.warmupDurationSecs();
        if (duration == null) {
            return null;
        }
        return new ClusterPolicy.Warmup(Durations.parse(duration),
                w != null && w.minimumPercent() != null ? w.minimumPercent() : 10,
                w != null && w.aggression() != null ? w.aggression() : 1);
    }

    /**
     * Envoy's makeSetCookieValue: Max-Age unless the ttl is zero (a session cookie), the path, the
     * attributes, then HttpOnly. No ttl, no cookie made.
     */
    private static ClusterPolicy.NewCookie newCookie(HTTPCookie c) {
        if (c.ttl() == null) {
            return null;
        }
        StringBuilder attributes = new StringBuilder();
        long maxAge = Durations.parse(c.ttl()).toSeconds();
        if (maxAge > 0) {
            attributes.append("; Max-Age=").append(maxAge);
        }
        if (c.path() != null && !c.path().isEmpty()) {
            attributes.append("; Path=").append(c.path());
        }
        for (CookieAttribute a : c.attributes()) {
            attributes.append("; ").append(a.name());
            if (a.value() != null && !a.value().isEmpty()) {
                attributes.append('=').append(a.value());
            }
        }
        return new ClusterPolicy.NewCookie(c.name(), attributes.append("; HttpOnly").toString());
    }

    private static ClusterPolicy.LoadBalancer hash(ClusterPolicy.HashSource source, String key) {
        return new ClusterPolicy.LoadBalancer(ClusterPolicy.Algorithm.CONSISTENT_HASH, source, key);
    }

    static ClusterPolicy.ConnectionPool pool(ConnectionPoolSettings p) {
        if (p == null) {
            return ClusterPolicy.ConnectionPool.UNLIMITED;
        }
        var d = ClusterPolicy.ConnectionPool.UNLIMITED;
        var tcp = p.tcp();
        var http = p.http();
        return new ClusterPolicy.ConnectionPool(
                tcp != null && tcp.maxConnections() != null ? tcp.maxConnections() : d.maxConnections(),
                duration(tcp == null ? null : tcp.connectTimeout(), d.connectTimeout()),
                http != null && http.http1MaxPendingRequests() != null ? http.http1MaxPendingRequests()
                        : d.maxPendingRequests(),
                http != null && http.http2MaxRequests() != null ? http.http2MaxRequests() : d.maxRequests(),
                http != null && http.maxRequestsPerConnection() != null ? http.maxRequestsPerConnection() : 0,
                http != null && http.maxRetries() != null ? http.maxRetries() : d.maxRetries(),
                duration(http == null ? null : http.idleTimeout(), d.idleTimeout()),
                duration(tcp == null ? null : tcp.maxConnectionDuration(), d.maxConnectionDuration()),
                keepalive(tcp == null ? null : tcp.tcpKeepalive()),
                duration(tcp == null ? null : tcp.idleTimeout(), d.tcpIdleTimeout()),
                http != null && "UPGRADE".equals(http.h2UpgradePolicy()),
                http != null && Boolean.TRUE.equals(http.useClientProtocol()));
    }

    private static ClusterPolicy.Keepalive keepalive(TcpKeepalive k) {
        return k == null ? null : new ClusterPolicy.Keepalive(k.probes(), Durations.parse(k.time()),
                Durations.parse(k.interval()));
    }

    /** Istio's defaults for a present block: 5 consecutive 5xx, 10 s interval, 30 s base ejection, 10 %. */
    static ClusterPolicy.Outlier outlier(OutlierDetection od) {
        if (od == null) {
            return null;
        }
        int gateway = od.consecutiveGatewayErrors() != null ? od.consecutiveGatewayErrors()
                : od.consecutiveErrors() != null ? od.consecutiveErrors() : 0;
        return new ClusterPolicy.Outlier(
                od.consecutive5xxErrors() != null ? od.consecutive5xxErrors() : 5,
                gateway,
                duration(od.interval(), Duration.ofSeconds(10)),
                duration(od.baseEjectionTime(), Duration.ofSeconds(30)),
                od.maxEjectionPercent() != null ? od.maxEjectionPercent() : 10,
                od.minHealthPercent() != null ? od.minHealthPercent() : 0,
                Boolean.TRUE.equals(od.splitExternalLocalOriginErrors()),
                od.consecutiveLocalOriginFailures() != null ? od.consecutiveLocalOriginFailures() : 5);
    }

    private static Duration duration(String text, Duration fallback) {
        return text == null ? fallback : Durations.parse(text);
    }
}
