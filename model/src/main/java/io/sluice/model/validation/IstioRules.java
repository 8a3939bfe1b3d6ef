package io.sluice.model.validation;

import static io.sluice.model.validation.Findings.at;
import static io.sluice.model.validation.Findings.key;

import io.sluice.model.Durations;
import io.sluice.model.istio.Destination;
import io.sluice.model.istio.DestinationRuleSpec;
import io.sluice.model.istio.GatewaySpec;
import io.sluice.model.istio.GrpcStatus;
import io.sluice.model.istio.MeshConfigSpec;
import io.sluice.model.istio.Percent;
import io.sluice.model.istio.ServiceEntrySpec;
import io.sluice.model.istio.SidecarSpec;
import io.sluice.model.istio.StringMatch;
import io.sluice.model.istio.VirtualServiceSpec;
import io.sluice.model.istio.VirtualServiceSpec.HTTPRoute;
import io.sluice.model.istio.WorkloadEntrySpec;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The checks Istio's validating webhook makes, with the field path of every problem. */
final class IstioRules {

    static final List<String> GATEWAY_PROTOCOLS =
            List.of("HTTP", "HTTPS", "HTTP2", "GRPC", "TCP", "TLS", "MONGO", "REDIS", "MYSQL");
    static final List<String> SERVICE_PROTOCOLS =
            List.of("HTTP", "HTTPS", "HTTP2", "GRPC", "GRPC-WEB", "TCP", "TLS", "MONGO", "REDIS", "MYSQL", "UDP");
    static final List<String> TLS_MODES =
            List.of("PASSTHROUGH", "SIMPLE", "MUTUAL", "AUTO_PASSTHROUGH", "ISTIO_MUTUAL", "OPTIONAL_MUTUAL");
    static final List<String> LOCATIONS = List.of("MESH_EXTERNAL", "MESH_INTERNAL");
    static final List<String> RESOLUTIONS = List.of("NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN");
    static final List<String> OUTBOUND_MODES = List.of("ALLOW_ANY", "REGISTRY_ONLY");
    static final List<String> LOAD_BALANCERS = List.of("ROUND_ROBIN", "LEAST_REQUEST", "LEAST_CONN", "RANDOM",
            "UNSPECIFIED");
    /** Envoy's x-envoy-retry-on and gRPC retry conditions Istio passes through; status codes are allowed too. */
    static final List<String> RETRY_ON = List.of("5xx", "gateway-error", "reset", "connect-failure",
            "envoy-ratelimited", "retriable-4xx", "refused-stream", "retriable-status-codes",
            "retriable-headers", "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable");
    static final List<String> HTTP_METHODS =
            List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE");
    static final List<String> UNMATCHED_PREFLIGHTS = List.of("UNSPECIFIED", "FORWARD", "IGNORE");
    /** Istio's warning, and why. */
    private static final String OUTLIER_DETECTION_FOR_FAILOVER =
            "outlier detection policy must be provided for failover: without it no endpoint is ever failed over";

    private IstioRules() {
    }

    /**
     * A VirtualService without hosts is a delegate, as Istio reads it: only http rules, bound to no
     * gateway, and none of them delegating further (one level of delegation).
     */
    static void virtualService(VirtualServiceSpec spec, Findings f) {
        boolean delegate = spec.hosts().isEmpty();
        if (delegate) {
            if (!spec.gateways().isEmpty()) {
                f.invalid("spec.gateways", spec.gateways(), "a delegate virtual service (one without hosts) must"
                        + " not have gateways: its root's apply");
            }
            if (!spec.tls().isEmpty() || !spec.tcp().isEmpty()) {
                f.error(!spec.tls().isEmpty() ? "spec.tls" : "spec.tcp",
                        "a delegate virtual service (one without hosts) has http rules only");
            }
        }
        for (int i = 0; i < spec.hosts().size(); i++) {
            Formats.host(f, at("spec.hosts", i), spec.hosts().get(i));
        }
        if (spec.http().isEmpty() && spec.tls().isEmpty() && spec.tcp().isEmpty()) {
            f.required("spec.http", "http, tls or tcp must have at least one route");
        }
        for (int i = 0; i < spec.http().size(); i++) {
            HTTPRoute rule = spec.http().get(i);
            if (delegate && rule.delegate() != null) {
                f.error(at(at("spec.http", i), "delegate"), "a delegate virtual service cannot delegate again:"
                        + " only one level of delegation is supported");
            }
            httpRoute(rule, at("spec.http", i), f);
        }
        for (int i = 0; i < spec.tls().size(); i++) {
            tlsRoute(spec.tls().get(i), at("spec.tls", i), f);
        }
        for (int i = 0; i < spec.tcp().size(); i++) {
            tcpRoute(spec.tcp().get(i), at("spec.tcp", i), f);
        }
    }

    private static void httpRoute(HTTPRoute r, String path, Findings f) {
        boolean route = !r.route().isEmpty();
        boolean redirect = r.redirect() != null;
        boolean direct = r.directResponse() != null;
        boolean delegated = r.delegate() != null;
        if (!route && !redirect && !direct && !delegated) {
            f.required(path, "HTTP route must have one of route, redirect, directResponse or delegate");
        }
        if (delegated && (route || redirect || direct)) {
            f.error(at(path, "delegate"), "delegate cannot be combined with route, redirect or directResponse");
        }
        if (delegated && (r.delegate().name() == null || r.delegate().name().isBlank())) {
            f.required(at(path, "delegate.name"), "the delegate virtual service's name");
        }
        if (redirect && route) {
            f.error(at(path, "redirect"), "HTTP route cannot contain both route and redirect");
        }
        if (redirect && r.rewrite() != null) {
            f.error(at(path, "rewrite"), "HTTP route rule cannot contain both rewrite and redirect");
        }
        if (direct && (route || redirect)) {
            f.error(at(path, "directResponse"), "directResponse cannot be combined with route or redirect");
        }
        for (int j = 0; j < r.match().size(); j++) {
            httpMatch(r.match().get(j), at(at(path, "match"), j), f);
        }
        weights(r.route().stream().map(d -> d.weight()).toList(), at(path, "route"), f);
        for (int j = 0; j < r.route().size(); j++) {
            var d = r.route().get(j);
            String p = at(at(path, "route"), j);
            destination(d.destination(), at(p, "destination"), f);
            headers(d.headers(), at(p, "headers"), f);
        }
        if (redirect) {
            redirect(r.redirect(), at(path, "redirect"), f);
        }
        if (direct) {
            directResponse(r.directResponse(), at(path, "directResponse"), f);
        }
        Formats.duration(f, at(path, "timeout"), r.timeout());
        if (r.retries() != null) {
            if (r.retries().attempts() != null && r.retries().attempts() < 0) {
                f.invalid(at(path, "retries.attempts"), r.retries().attempts(), "attempts cannot be negative");
            }
            Formats.duration(f, at(path, "retries.perTryTimeout"), r.retries().perTryTimeout());
            retryOn(r.retries().retryOn(), at(path, "retries.retryOn"), f);
        }
        if (r.fault() != null) {
            fault(r.fault(), at(path, "fault"), f);
        }
        if (r.mirror() != null) {
            destination(r.mirror(), at(path, "mirror"), f);
        }
        percent(r.mirrorPercentage(), at(path, "mirrorPercentage"), f);
        if (r.mirrorPercent() != null && (r.mirrorPercent() < 0 || r.mirrorPercent() > 100)) {
            f.invalid(at(path, "mirrorPercent"), r.mirrorPercent(), "mirror_percent must be in the range [0, 100]");
        }
        for (int j = 0; j < r.mirrors().size(); j++) {
            String p = at(at(path, "mirrors"), j);
            if (r.mirrors().get(j).destination() == null) {
                f.required(at(p, "destination"), "");
            } else {
                destination(r.mirrors().get(j).destination(), at(p, "destination"), f);
            }
            percent(r.mirrors().get(j).percentage(), at(p, "percentage"), f);
        }
        headers(r.headers(), at(path, "headers"), f);
        if (r.corsPolicy() != null) {
            cors(r.corsPolicy(), at(path, "corsPolicy"), f);
        }
    }

    private static void httpMatch(VirtualServiceSpec.HTTPMatchRequest m, String path, Findings f) {
        stringMatch(m.uri(), at(path, "uri"), f);
        stringMatch(m.scheme(), at(path, "scheme"), f);
        stringMatch(m.method(), at(path, "method"), f);
        stringMatch(m.authority(), at(path, "authority"), f);
        headerMatches(m.headers(), at(path, "headers"), f);
        headerMatches(m.withoutHeaders(), at(path, "withoutHeaders"), f);
        m.queryParams().forEach((k, v) -> stringMatch(v, key(at(path, "queryParams"), k), f));
        Formats.port(f, at(path, "port"), m.port());
        source(m.sourceLabels(), m.sourceNamespace(), path, f);
    }

    /** A match block's conditions on the proxy it is compiled for: a label selector and a namespace. */
    private static void source(Map<String, String> sourceLabels, String sourceNamespace, String path, Findings f) {
        sourceLabels.forEach((k, v) -> {
            String p = key(at(path, "sourceLabels"), k);
            Formats.qualifiedName(f, p, k);
            Formats.labelValue(f, p, v);
        });
        if (sourceNamespace != null) {
            Formats.dns1123Label(f, at(path, "sourceNamespace"), sourceNamespace);
        }
    }

    private static void headerMatches(Map<String, StringMatch> headers, String path, Findings f) {
        headers.forEach((name, match) -> {
            String p = key(path, name);
            // pseudo-headers such as :authority may be matched, though not set
            Formats.headerName(f, p, name.startsWith(":") ? name.substring(1) : name);
            stringMatch(match, p, f);
        });
    }

    private static void stringMatch(StringMatch m, String path, Findings f) {
        if (m == null) {
            return;
        }
        int set = (m.exact() != null ? 1 : 0) + (m.prefix() != null ? 1 : 0) + (m.regex() != null ? 1 : 0);
        if (set > 1) {
            f.error(path, "only one of exact, prefix or regex may be set");
        }
        Formats.regex(f, at(path, "regex"), m.regex());
    }

    /** Istio refuses negative weights and a split where no destination gets any traffic. */
    private static void weights(List<Integer> weights, String path, Findings f) {
        int total = 0;
        for (int j = 0; j < weights.size(); j++) {
            Integer w = weights.get(j);
            if (w != null && w < 0) {
                f.invalid(at(at(path, j), "weight"), w, "weight must not be negative");
            }
            total += w == null || w < 0 ? 0 : w;
        }
        if (weights.size() > 1 && total == 0) {
            f.invalid(path, total, "total destination weight must be greater than 0");
        }
    }

    private static void destination(Destination d, String path, Findings f) {
        if (d == null) {
            f.required(path, "");
            return;
        }
        if (d.host() == null || d.host().isBlank()) {
            f.required(at(path, "host"), "destination must have a host");
        } else if (!Formats.host(d.host()) || d.host().contains("*")) {
            f.invalid(at(path, "host"), d.host(), "invalid destination host: must be a service name without wildcards");
        }
        if (d.subset() != null) {
            Formats.dns1123Label(f, at(path, "subset"), d.subset());
        }
        Formats.port(f, at(path, "port.number"), d.portNumber());
    }

    private static void headers(VirtualServiceSpec.Headers h, String path, Findings f) {
        if (h == null) {
            return;
        }
        headerOperations(h.request(), at(path, "request"), f);
        headerOperations(h.response(), at(path, "response"), f);
    }

    private static void headerOperations(VirtualServiceSpec.HeaderOperations ops, String path, Findings f) {
        if (ops == null) {
            return;
        }
        ops.set().keySet().forEach(n -> Formats.headerName(f, key(at(path, "set"), n), n));
        ops.add().keySet().forEach(n -> Formats.headerName(f, key(at(path, "add"), n), n));
        for (int i = 0; i < ops.remove().size(); i++) {
            Formats.headerName(f, at(at(path, "remove"), i), ops.remove().get(i));
        }
    }

    private static void redirect(VirtualServiceSpec.HTTPRedirect r, String path, Findings f) {
        if (r.redirectCode() != null && (r.redirectCode() < 300 || r.redirectCode() > 399)) {
            f.invalid(at(path, "redirectCode"), r.redirectCode(), "redirect code must be a 3xx status");
        }
        Formats.port(f, at(path, "port"), r.port());
        if (r.port() != null && r.derivePort() != null) {
            f.error(at(path, "derivePort"), "only one of port or derivePort may be set");
        }
        if (r.derivePort() != null && !List.of("FROM_PROTOCOL_DEFAULT", "FROM_REQUEST_PORT").contains(r.derivePort())) {
            f.unsupported(at(path, "derivePort"), r.derivePort(), List.of("FROM_PROTOCOL_DEFAULT", "FROM_REQUEST_PORT"));
        }
    }

    private static void directResponse(VirtualServiceSpec.HTTPDirectResponse d, String path, Findings f) {
        if (d.status() == null) {
            f.required(at(path, "status"), "");
        } else if (d.status() < 200 || d.status() > 599) {
            f.invalid(at(path, "status"), d.status(), "status must be in the range 200 to 599");
        }
        if (d.body() != null) {
            if (d.body().string() != null && d.body().bytes() != null) {
                f.error(at(path, "body"), "only one of string or bytes may be set");
            }
            if (d.body().bytes() != null) {
                Formats.base64(f, at(path, "body.bytes"), d.body().bytes());
            }
        }
    }

    /** As Istio's webhook: "*" alone stands for whatever the preflight asks, so it is not checked as a name. */
    private static void cors(VirtualServiceSpec.CorsPolicy c, String path, Findings f) {
        for (int i = 0; i < c.allowOrigins().size(); i++) {
            String p = at(at(path, "allowOrigins"), i);
            StringMatch m = c.allowOrigins().get(i);
            String value = m.exact() != null ? m.exact() : m.prefix() != null ? m.prefix() : m.regex();
            if (value == null || value.isEmpty()) {
                f.required(p, "an origin needs a non-empty exact, prefix or regex");
            }
            stringMatch(m, p, f);
        }
        if (!c.allowMethods().contains("*")) {
            for (int i = 0; i < c.allowMethods().size(); i++) {
                String method = c.allowMethods().get(i);
                if (!HTTP_METHODS.contains(method)) {
                    f.unsupported(at(at(path, "allowMethods"), i), method, HTTP_METHODS);
                }
            }
        }
        if (!c.allowHeaders().contains("*")) {
            for (int i = 0; i < c.allowHeaders().size(); i++) {
                Formats.headerName(f, at(at(path, "allowHeaders"), i), c.allowHeaders().get(i));
            }
        }
        for (int i = 0; i < c.exposeHeaders().size(); i++) {
            Formats.headerName(f, at(at(path, "exposeHeaders"), i), c.exposeHeaders().get(i));
        }
        maxAge(c.maxAge(), at(path, "maxAge"), f);
        if (c.unmatchedPreflights() != null && !UNMATCHED_PREFLIGHTS.contains(c.unmatchedPreflights())) {
            f.unsupported(at(path, "unmatchedPreflights"), c.unmatchedPreflights(), UNMATCHED_PREFLIGHTS);
        }
    }

    /** Access-Control-Max-Age counts whole seconds. */
    private static void maxAge(String maxAge, String path, Findings f) {
        if (Formats.duration(f, path, maxAge) && maxAge != null && Durations.parse(maxAge).getNano() != 0) {
            f.invalid(path, maxAge, "max age is accurate only to seconds precision");
        }
    }

    private static void fault(VirtualServiceSpec.HTTPFaultInjection fault, String path, Findings f) {
        if (fault.delay() == null && fault.abort() == null) {
            f.required(path, "fault injection must have an abort and/or a delay");
        }
        var delay = fault.delay();
        if (delay != null) {
            if (delay.fixedDelay() == null) {
                f.required(at(path, "delay.fixedDelay"), "");
            }
            Formats.duration(f, at(path, "delay.fixedDelay"), delay.fixedDelay());
            percent(delay.percentage(), at(path, "delay.percentage"), f);
            if (delay.percent() != null && (delay.percent() < 0 || delay.percent() > 100)) {
                f.invalid(at(path, "delay.percent"), delay.percent(), "percentage must be in the range [0, 100]");
            }
        }
        var abort = fault.abort();
        if (abort != null) {
            if (abort.httpStatus() == null && abort.grpcStatus() == null) {
                f.required(at(path, "abort"), "one of httpStatus or grpcStatus");
            }
            if (abort.httpStatus() != null && abort.grpcStatus() != null) {
                f.error(at(path, "abort"), "only one of httpStatus or grpcStatus may be set");
            }
            if (abort.grpcStatus() != null && GrpcStatus.of(abort.grpcStatus()) == null) {
                f.unsupported(at(path, "abort.grpcStatus"), abort.grpcStatus(),
                        Arrays.stream(GrpcStatus.values()).map(Enum::name).toList());
            }
            if (abort.httpStatus() != null && (abort.httpStatus() < 200 || abort.httpStatus() > 599)) {
                f.invalid(at(path, "abort.httpStatus"), abort.httpStatus(), "status must be in the range 200 to 599");
            }
            percent(abort.percentage(), at(path, "abort.percentage"), f);
        }
    }

    private static void percent(Percent p, String path, Findings f) {
        if (p != null) {
            Formats.percentage(f, at(path, "value"), p.value());
        }
    }

    private static void tlsRoute(VirtualServiceSpec.TLSRoute r, String path, Findings f) {
        if (r.match().isEmpty()) {
            f.required(at(path, "match"), "TLS route must have at least one match condition");
        }
        for (int j = 0; j < r.match().size(); j++) {
            var m = r.match().get(j);
            String p = at(at(path, "match"), j);
            if (m.sniHosts().isEmpty()) {
                f.required(at(p, "sniHosts"), "TLS match must have at least one SNI host");
            }
            for (int k = 0; k < m.sniHosts().size(); k++) {
                Formats.host(f, at(at(p, "sniHosts"), k), m.sniHosts().get(k));
            }
            Formats.port(f, at(p, "port"), m.port());
            source(m.sourceLabels(), m.sourceNamespace(), p, f);
            subnets(m.destinationSubnets(), at(p, "destinationSubnets"), f);
        }
        streamRoute(r.route(), "TLS", path, f);
    }

    private static void tcpRoute(VirtualServiceSpec.TCPRoute r, String path, Findings f) {
        for (int j = 0; j < r.match().size(); j++) {
            var m = r.match().get(j);
            String p = at(at(path, "match"), j);
            Formats.port(f, at(p, "port"), m.port());
            source(m.sourceLabels(), m.sourceNamespace(), p, f);
            subnets(m.destinationSubnets(), at(p, "destinationSubnets"), f);
            if (m.sourceSubnet() != null) {
                subnet(m.sourceSubnet(), at(p, "sourceSubnet"), f);
            }
        }
        streamRoute(r.route(), "TCP", path, f);
    }

    private static void subnets(List<String> subnets, String path, Findings f) {
        for (int k = 0; k < subnets.size(); k++) {
            subnet(subnets.get(k), at(path, k), f);
        }
    }

    private static void subnet(String subnet, String path, Findings f) {
        String why = Formats.notIpOrCidr(subnet);
        if (why != null) {
            f.invalid(path, subnet, "must be an IP address or a CIDR block such as 10.0.0.0/8: " + why);
        }
    }

    /** The destinations of a tls or tcp rule: at least one, weights that send traffic somewhere. */
    private static void streamRoute(List<VirtualServiceSpec.RouteDestination> route, String protocol, String path,
                                    Findings f) {
        if (route.isEmpty()) {
            f.required(at(path, "route"), protocol + " route is required");
        }
        weights(route.stream().map(d -> d.weight()).toList(), at(path, "route"), f);
        for (int j = 0; j < route.size(); j++) {
            destination(route.get(j).destination(), at(at(at(path, "route"), j), "destination"), f);
        }
    }

    static void destinationRule(DestinationRuleSpec spec, Findings f) {
        if (spec.host() == null || spec.host().isBlank()) {
            f.required("spec.host", "destination rule must have a host");
        } else {
            Formats.host(f, "spec.host", spec.host());
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < spec.subsets().size(); i++) {
            String name = spec.subsets().get(i).name();
            String p = at(at("spec.subsets", i), "name");
            if (name == null || name.isBlank()) {
                f.required(p, "subset must have a name");
            } else if (!names.add(name)) {
                f.duplicate(p, name);
            } else {
                Formats.dns1123Label(f, p, name);
            }
            trafficPolicy(spec.subsets().get(i).trafficPolicy(), at(at("spec.subsets", i), "trafficPolicy"), f);
        }
        trafficPolicy(spec.trafficPolicy(), "spec.trafficPolicy", f);
        failoverNeedsOutlierDetection(spec, f);
        if (spec.workloadSelector() != null) {
            var labels = spec.workloadSelector().matchLabels();
            if (labels.isEmpty()) {
                f.required("spec.workloadSelector.matchLabels", "a workload selector needs at least one label");
            }
            labels.forEach((k, v) -> {
                Formats.qualifiedName(f, key("spec.workloadSelector.matchLabels", k), k);
                Formats.labelValue(f, key("spec.workloadSelector.matchLabels", k), v);
            });
        }
    }

    /**
     * As Istio warns: a failover moves traffic only once outlier detection ejects endpoints, so without
     * it (in the policy or, for a subset, the rule's own) it never happens.
     */
    private static void failoverNeedsOutlierDetection(DestinationRuleSpec spec, Findings f) {
        DestinationRuleSpec.TrafficPolicy top = spec.trafficPolicy();
        boolean topDetects = top != null && top.outlierDetection() != null;
        if (top != null && failsOver(top.loadBalancer()) && !topDetects) {
            f.warning("spec.trafficPolicy.loadBalancer.localityLbSetting", OUTLIER_DETECTION_FOR_FAILOVER);
        }
        for (int i = 0; i < spec.subsets().size(); i++) {
            DestinationRuleSpec.TrafficPolicy p = spec.subsets().get(i).trafficPolicy();
            if (p != null && failsOver(p.loadBalancer()) && !topDetects && p.outlierDetection() == null) {
                f.warning(at(at("spec.subsets", i), "trafficPolicy.loadBalancer.localityLbSetting"),
                        OUTLIER_DETECTION_FOR_FAILOVER);
            }
        }
    }

    private static boolean failsOver(DestinationRuleSpec.LoadBalancerSettings lb) {
        var locality = lb == null ? null : lb.localityLbSetting();
        return locality != null && (!locality.failover().isEmpty() || !locality.failoverPriority().isEmpty());
    }

    private static void retryOn(String retryOn, String path, Findings f) {
        if (retryOn == null) {
            return;
        }
        for (String condition : retryOn.split(",")) {
            String c = condition.trim();
            if (!RETRY_ON.contains(c) && !c.matches("[1-5][0-9][0-9]")) {
                f.unsupported(path, c, RETRY_ON);
            }
        }
    }

    /** As Istio's webhook: a target host and port; HTTP/1.1 CONNECT is what Sluice speaks. */
    private static void tunnel(DestinationRuleSpec.TunnelSettings t, String path, Findings f) {
        if (t == null) {
            return;
        }
        if (t.protocol() != null && t.protocol().equals("POST")) {
            f.unknown(at(path, "protocol"), "POST: not supported yet (CONNECT is)");
        } else if (t.protocol() != null && !t.protocol().equals("CONNECT")) {
            f.unsupported(at(path, "protocol"), t.protocol(), List.of("CONNECT", "POST"));
        }
        if (t.targetHost() == null || t.targetHost().isBlank()) {
            f.required(at(path, "targetHost"), "a tunnel needs the host it asks for");
        } else if (!Formats.host(t.targetHost()) && !Formats.ip(t.targetHost())) {
            f.invalid(at(path, "targetHost"), t.targetHost(), "must be a DNS name or an IP address");
        }
        if (t.targetPort() == null) {
            f.required(at(path, "targetPort"), "a tunnel needs the port it asks for");
        } else {
            Formats.port(f, at(path, "targetPort"), t.targetPort());
        }
    }

    private static void trafficPolicy(DestinationRuleSpec.TrafficPolicy p, String path, Findings f) {
        if (p == null) {
            return;
        }
        policyBlocks(p.loadBalancer(), p.connectionPool(), p.outlierDetection(), path, f);
        tunnel(p.tunnel(), at(path, "tunnel"), f);
        var proxy = p.proxyProtocol();
        if (proxy != null && proxy.version() != null
                && !DestinationRuleSpec.ProxyProtocol.VERSIONS.contains(proxy.version())) {
            f.unsupported(at(path, "proxyProtocol.version"), proxy.version(),
                    DestinationRuleSpec.ProxyProtocol.VERSIONS);
        }
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < p.portLevelSettings().size(); i++) {
            var settings = p.portLevelSettings().get(i);
            String at = at(at(path, "portLevelSettings"), i);
            Integer port = settings.port() == null ? null : settings.port().number();
            if (port == null) {
                f.required(at(at, "port.number"), "port traffic policy must have a port");
            } else if (!ports.add(port)) {
                f.duplicate(at(at, "port.number"), port);
            }
            Formats.port(f, at(at, "port.number"), port);
            policyBlocks(settings.loadBalancer(), settings.connectionPool(), settings.outlierDetection(), at, f);
        }
    }

    /** The blocks a policy has at its top, and each port's settings again. */
    private static void policyBlocks(DestinationRuleSpec.LoadBalancerSettings lb,
                                     DestinationRuleSpec.ConnectionPoolSettings pool,
                                     DestinationRuleSpec.OutlierDetection od, String path, Findings f) {
        if (lb != null) {
            if (lb.simple() != null && !LOAD_BALANCERS.contains(lb.simple())) {
                f.unsupported(at(path, "loadBalancer.simple"), lb.simple(), LOAD_BALANCERS);
            }
            if (lb.simple() != null && lb.consistentHash() != null) {
                f.invalid(at(path, "loadBalancer"), "simple and consistentHash", "only one of simple or consistentHash");
            }
            warmup(lb, at(path, "loadBalancer"), f);
            localityFailover(lb.localityLbSetting(), at(path, "loadBalancer.localityLbSetting"), f);
            var h = lb.consistentHash();
            if (h != null) {
                int keys = (h.httpHeaderName() != null ? 1 : 0) + (h.httpCookie() != null ? 1 : 0)
                        + (Boolean.TRUE.equals(h.useSourceIp()) ? 1 : 0) + (h.httpQueryParameterName() != null ? 1 : 0);
                if (keys != 1) {
                    f.required(at(path, "loadBalancer.consistentHash"),
                            "exactly one of httpHeaderName, httpCookie, useSourceIp or httpQueryParameterName");
                }
                if (h.httpCookie() != null) {
                    if (h.httpCookie().name() == null || h.httpCookie().name().isBlank()) {
                        f.required(at(path, "loadBalancer.consistentHash.httpCookie.name"), "cookie name is required");
                    }
                    cookieTtl(h.httpCookie().ttl(), at(path, "loadBalancer.consistentHash.httpCookie.ttl"), f);
                    var attributes = h.httpCookie().attributes();
                    for (int i = 0; i < attributes.size(); i++) {
                        String name = attributes.get(i).name();
                        String p = at(at(path, "loadBalancer.consistentHash.httpCookie.attributes"), i);
                        if (name == null || name.isBlank()) {
                            f.required(at(p, "name"), "a cookie attribute needs a name");
                        } else {
                            Formats.headerName(f, at(p, "name"), name);
                        }
                        if (attributes.get(i).value() != null && attributes.get(i).value().matches(".*[;\\r\\n].*")) {
                            f.invalid(at(p, "value"), attributes.get(i).value(), "must not contain ';' or line breaks");
                        }
                    }
                }
            }
        }
        if (pool != null && pool.tcp() != null) {
            atLeast(1, pool.tcp().maxConnections(), at(path, "connectionPool.tcp.maxConnections"), f);
            Formats.duration(f, at(path, "connectionPool.tcp.connectTimeout"), pool.tcp().connectTimeout());
            Formats.duration(f, at(path, "connectionPool.tcp.maxConnectionDuration"),
                    pool.tcp().maxConnectionDuration());
            Formats.duration(f, at(path, "connectionPool.tcp.idleTimeout"), pool.tcp().idleTimeout());
            var keepalive = pool.tcp().tcpKeepalive();
            if (keepalive != null) {
                atLeast(0, keepalive.probes(), at(path, "connectionPool.tcp.tcpKeepalive.probes"), f);
                keepaliveSeconds(keepalive.time(), at(path, "connectionPool.tcp.tcpKeepalive.time"), f);
                keepaliveSeconds(keepalive.interval(), at(path, "connectionPool.tcp.tcpKeepalive.interval"), f);
            }
        }
        if (pool != null && pool.http() != null) {
            atLeast(1, pool.http().http1MaxPendingRequests(), at(path, "connectionPool.http.http1MaxPendingRequests"), f);
            atLeast(1, pool.http().http2MaxRequests(), at(path, "connectionPool.http.http2MaxRequests"), f);
            atLeast(0, pool.http().maxRequestsPerConnection(), at(path, "connectionPool.http.maxRequestsPerConnection"), f);
            atLeast(0, pool.http().maxRetries(), at(path, "connectionPool.http.maxRetries"), f);
            Formats.duration(f, at(path, "connectionPool.http.idleTimeout"), pool.http().idleTimeout());
            String upgrade = pool.http().h2UpgradePolicy();
            if (upgrade != null && !DestinationRuleSpec.HTTPSettings.H2_UPGRADE_POLICIES.contains(upgrade)) {
                f.unsupported(at(path, "connectionPool.http.h2UpgradePolicy"), upgrade,
                        DestinationRuleSpec.HTTPSettings.H2_UPGRADE_POLICIES);
            }
        }
        if (od != null) {
            atLeast(0, od.consecutive5xxErrors(), at(path, "outlierDetection.consecutive5xxErrors"), f);
            atLeast(0, od.consecutiveGatewayErrors(), at(path, "outlierDetection.consecutiveGatewayErrors"), f);
            atLeast(0, od.consecutiveErrors(), at(path, "outlierDetection.consecutiveErrors"), f);
            atLeast(0, od.consecutiveLocalOriginFailures(), at(path, "outlierDetection.consecutiveLocalOriginFailures"),
                    f);
            Formats.duration(f, at(path, "outlierDetection.interval"), od.interval());
            Formats.duration(f, at(path, "outlierDetection.baseEjectionTime"), od.baseEjectionTime());
            if (od.maxEjectionPercent() != null && (od.maxEjectionPercent() < 0 || od.maxEjectionPercent() > 100)) {
                f.invalid(at(path, "outlierDetection.maxEjectionPercent"), od.maxEjectionPercent(),
                        "percentage must be in the range [0, 100]");
            }
            if (od.minHealthPercent() != null && (od.minHealthPercent() < 0 || od.minHealthPercent() > 100)) {
                f.invalid(at(path, "outlierDetection.minHealthPercent"), od.minHealthPercent(),
                        "percentage must be in the range [0, 100]");
            }
        }
    }

    /**
     * As istioctl: a failover goes from one region to another, each named once as {@code from}; a
     * failover priority is a label key or {@code key=value}; a distribution's weights add up to 100.
     * Istio combines failover and failoverPriority in a way of its own (the priorities within each
     * failover step), which Sluice does not follow: one or the other.
     */
    private static void localityFailover(DestinationRuleSpec.LocalityLbSetting locality, String path, Findings f) {
        if (locality == null) {
            return;
        }
        if (!locality.distribute().isEmpty()
                && (!locality.failover().isEmpty() || !locality.failoverPriority().isEmpty())) {
            f.error(at(path, "distribute"), "only one of distribute, failover or failoverPriority may be set");
        }
        if (!locality.failover().isEmpty() && !locality.failoverPriority().isEmpty()) {
            f.error(at(path, "failoverPriority"), "failover and failoverPriority together: not supported yet");
        }
        for (int i = 0; i < locality.distribute().size(); i++) {
            DestinationRuleSpec.Distribute d = locality.distribute().get(i);
            String p = at(at(path, "distribute"), i);
            locality(d.from(), at(p, "from"), f);
            int total = 0;
            for (Map.Entry<String, Integer> to : d.to().entrySet()) {
                locality(to.getKey(), key(at(p, "to"), to.getKey()), f);
                total += to.getValue() == null ? 0 : to.getValue();
            }
            if (total != 100) {
                f.invalid(at(p, "to"), total, "the weights must add up to 100");
            }
        }
        for (int i = 0; i < locality.failoverPriority().size(); i++) {
            String label = locality.failoverPriority().get(i);
            int eq = label == null ? -1 : label.indexOf('=');
            if (label == null || label.isBlank() || eq == 0 || eq == label.length() - 1) {
                f.invalid(at(at(path, "failoverPriority"), i), label, "a label key, or key=value");
            }
        }
        Set<String> from = new HashSet<>();
        for (int i = 0; i < locality.failover().size(); i++) {
            DestinationRuleSpec.Failover failover = locality.failover().get(i);
            String p = at(at(path, "failover"), i);
            region(failover.from(), at(p, "from"), f);
            region(failover.to(), at(p, "to"), f);
            if (failover.from() != null && failover.from().equals(failover.to())) {
                f.invalid(at(p, "to"), failover.to(), "must differ from 'from'");
            }
            if (failover.from() != null && !from.add(failover.from())) {
                f.invalid(at(p, "from"), failover.from(), "each region fails over to one region only");
            }
        }
    }

    /** {@code region/zone/subzone}, a {@code *} in place of the last part given. */
    private static void locality(String value, String path, Findings f) {
        if (value == null || value.isBlank()) {
            f.required(path, "a locality");
            return;
        }
        String[] parts = value.split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            if (parts.length > 3 || parts[i].isEmpty() || parts[i].contains("*") && (!parts[i].equals("*")
                    || i != parts.length - 1)) {
                f.invalid(path, value, "a locality is region/zone/subzone, with * only as its last part");
                return;
            }
        }
    }

    private static void region(String value, String path, Findings f) {
        if (value == null || value.isBlank()) {
            f.required(path, "a region");
        } else if (value.contains("/") || value.contains("*")) {
            f.invalid(path, value, "failover is between regions: a region name, without zone or wildcard");
        }
    }

    /** Slow start, in either spelling, for the load balancers that weigh endpoints. */
    private static void warmup(DestinationRuleSpec.LoadBalancerSettings lb, String path, Findings f) {
        var warmup = lb.warmup();
        if (lb.warmupDurationSecs() == null && warmup == null) {
            return;
        }
        if (lb.warmupDurationSecs() != null && warmup != null) {
            f.error(at(path, "warmup"), "only one of warmupDurationSecs or warmup may be set");
        }
        if (lb.consistentHash() != null || "RANDOM".equals(lb.simple())) {
            f.error(path, "warm-up is supported with ROUND_ROBIN and LEAST_REQUEST load balancers only");
        }
        Formats.duration(f, at(path, "warmupDurationSecs"), lb.warmupDurationSecs());
        if (warmup != null) {
            if (warmup.duration() == null) {
                f.required(at(path, "warmup.duration"), "how long an endpoint warms up");
            }
            Formats.duration(f, at(path, "warmup.duration"), warmup.duration());
            Formats.percentage(f, at(path, "warmup.minimumPercent"), warmup.minimumPercent());
            if (warmup.aggression() != null && warmup.aggression() <= 0) {
                f.invalid(at(path, "warmup.aggression"), warmup.aggression(), "aggression must be greater than 0");
            }
        }
    }

    /** A generated cookie's lifetime: zero (a session cookie) or a duration Formats accepts. */
    private static void cookieTtl(String ttl, String path, Findings f) {
        try {
            if (ttl == null || Durations.parse(ttl).isZero()) {
                return;
            }
        } catch (IllegalArgumentException e) {
            // malformed: Formats says why
        }
        Formats.duration(f, path, ttl);
    }

    /** The kernel counts keepalive time and interval in whole seconds. */
    private static void keepaliveSeconds(String value, String path, Findings f) {
        if (Formats.duration(f, path, value) && value != null && Durations.parse(value).toMillis() % 1000 != 0) {
            f.invalid(path, value, "TCP keepalive is counted in whole seconds");
        }
    }

    private static void atLeast(int min, Integer value, String path, Findings f) {
        if (value != null && value < min) {
            f.invalid(path, value, "must be at least " + min);
        }
    }

    static void gateway(GatewaySpec spec, Findings f) {
        if (spec.servers().isEmpty()) {
            f.required("spec.servers", "gateway must have at least one server");
        }
        Set<String> portNames = new HashSet<>();
        for (int i = 0; i < spec.servers().size(); i++) {
            var server = spec.servers().get(i);
            String path = at("spec.servers", i);
            String protocol = server(server, path, f);
            if (server.port() != null && server.port().name() != null && !portNames.add(server.port().name())) {
                f.duplicate(at(path, "port.name"), server.port().name());
            }
            serverTls(server, protocol, path, f);
        }
    }

    /** Checks a server's hosts and port; returns its protocol in upper case, or "" when it has none. */
    private static String server(GatewaySpec.Server server, String path, Findings f) {
        if (server.hosts().isEmpty()) {
            f.required(at(path, "hosts"), "server must have at least one host");
        }
        for (int j = 0; j < server.hosts().size(); j++) {
            namespacedHost(server.hosts().get(j), false, at(at(path, "hosts"), j), f);
        }
        var port = server.port();
        if (port == null) {
            f.required(at(path, "port"), "server must have a port");
            return "";
        }
        if (port.number() == null) {
            f.required(at(path, "port.number"), "");
        }
        Formats.port(f, at(path, "port.number"), port.number());
        Formats.port(f, at(path, "port.targetPort"), port.targetPort());
        if (port.protocol() == null || port.protocol().isBlank()) {
            f.required(at(path, "port.protocol"), "");
            return "";
        }
        String protocol = port.protocol().toUpperCase(Locale.ROOT);
        if (!GATEWAY_PROTOCOLS.contains(protocol)) {
            f.unsupported(at(path, "port.protocol"), port.protocol(), GATEWAY_PROTOCOLS);
        }
        return protocol;
    }

    private static void serverTls(GatewaySpec.Server server, String protocol, String path, Findings f) {
        var tls = server.tls();
        if (tls == null) {
            if (protocol.equals("HTTPS") || protocol.equals("TLS")) {
                f.required(at(path, "tls"), "server must have TLS settings for HTTPS/TLS protocols");
            }
            return;
        }
        // an HTTP server's tls block only says whether to redirect to HTTPS
        if (tls.mode() == null) {
            return;
        }
        String mode = tls.mode();
        if (!TLS_MODES.contains(mode)) {
            f.unsupported(at(path, "tls.mode"), mode, TLS_MODES);
            return;
        }
        boolean credential = notBlank(tls.credentialName())
                || (tls.credentialNames() != null && !tls.credentialNames().isEmpty());
        boolean files = notBlank(tls.serverCertificate()) && notBlank(tls.privateKey());
        if ((mode.equals("SIMPLE") || mode.equals("MUTUAL")) && !credential && !files) {
            f.required(at(path, "tls.credentialName"),
                    mode + " TLS requires credentialName, or serverCertificate and privateKey");
        }
        if (mode.equals("MUTUAL") && !credential && !notBlank(tls.caCertificates())) {
            f.required(at(path, "tls.caCertificates"), "MUTUAL TLS requires caCertificates unless credentialName is set");
        }
        if (mode.equals("ISTIO_MUTUAL") && (credential || files)) {
            f.error(at(path, "tls"), "ISTIO_MUTUAL TLS cannot have associated credentials");
        }
    }

    static void serviceEntry(ServiceEntrySpec spec, Findings f) {
        if (spec.hosts().isEmpty()) {
            f.required("spec.hosts", "service entry must have at least one host");
        }
        for (int i = 0; i < spec.hosts().size(); i++) {
            String host = spec.hosts().get(i);
            if (host.equals("*")) {
                f.invalid(at("spec.hosts", i), host, "invalid host: a service entry cannot capture every host");
            } else {
                Formats.host(f, at("spec.hosts", i), host);
            }
        }
        for (int i = 0; i < spec.addresses().size(); i++) {
            String why = Formats.notIpOrCidr(spec.addresses().get(i));
            if (why != null) {
                f.invalid(at("spec.addresses", i), spec.addresses().get(i),
                        "must be an IP address or CIDR block: " + why);
            }
        }
        if (spec.location() != null && !LOCATIONS.contains(spec.location())) {
            f.unsupported("spec.location", spec.location(), LOCATIONS);
        }
        String resolution = spec.resolution() == null ? "NONE" : spec.resolution();
        if (!RESOLUTIONS.contains(resolution)) {
            f.unsupported("spec.resolution", spec.resolution(), RESOLUTIONS);
        }
        Set<String> portNames = new HashSet<>();
        Set<Integer> numbers = new HashSet<>();
        for (int i = 0; i < spec.ports().size(); i++) {
            var port = spec.ports().get(i);
            String p = at("spec.ports", i);
            if (port.number() == null) {
                f.required(at(p, "number"), "");
            } else if (!numbers.add(port.number())) {
                f.duplicate(at(p, "number"), port.number());
            }
            Formats.port(f, at(p, "number"), port.number());
            Formats.port(f, at(p, "targetPort"), port.targetPort());
            if (port.protocol() == null || port.protocol().isBlank()) {
                f.required(at(p, "protocol"), "");
            } else if (!SERVICE_PROTOCOLS.contains(port.protocol().toUpperCase(Locale.ROOT))) {
                f.unsupported(at(p, "protocol"), port.protocol(), SERVICE_PROTOCOLS);
            }
            if (port.name() != null) {
                portNames.add(port.name());
            }
        }
        boolean selector = spec.workloadSelector() != null;
        if (selector && !spec.endpoints().isEmpty()) {
            f.error("spec.workloadSelector", "only one of endpoints or workloadSelector may be set");
        }
        if (resolution.equals("STATIC") && spec.endpoints().isEmpty() && !selector) {
            f.required("spec.endpoints", "STATIC resolution requires endpoints or a workloadSelector");
        }
        if (resolution.equals("DNS") || resolution.equals("DNS_ROUND_ROBIN")) {
            if (spec.endpoints().isEmpty()) {
                for (int i = 0; i < spec.hosts().size(); i++) {
                    if (spec.hosts().get(i).startsWith("*")) {
                        f.invalid(at("spec.hosts", i), spec.hosts().get(i),
                                "a wildcard host cannot be resolved by DNS without endpoints");
                    }
                }
            }
        }
        for (int i = 0; i < spec.endpoints().size(); i++) {
            var e = spec.endpoints().get(i);
            String p = at("spec.endpoints", i);
            endpoint(e, p, f);
            if (e.address() != null && resolution.equals("STATIC") && !Formats.ip(e.address())
                    && !e.address().startsWith("unix://")) {
                f.invalid(at(p, "address"), e.address(), "STATIC resolution requires an IP address");
            }
            e.ports().keySet().stream().filter(name -> !portNames.contains(name)).forEach(name ->
                    f.invalid(key(at(p, "ports"), name), name, "endpoint port is not defined by the service entry"));
        }
    }

    static void workloadEntry(WorkloadEntrySpec spec, Findings f) {
        endpoint(spec, "spec", f);
    }

    private static void endpoint(WorkloadEntrySpec e, String path, Findings f) {
        if (e.address() == null || e.address().isBlank()) {
            f.required(at(path, "address"), "");
        }
        e.ports().forEach((name, number) -> Formats.port(f, key(at(path, "ports"), name), number));
        if (e.weight() != null && e.weight() < 0) {
            f.invalid(at(path, "weight"), e.weight(), "weight must not be negative");
        }
        if (e.locality() != null && (e.locality().split("/", -1).length > 3 || e.locality().startsWith("/"))) {
            f.invalid(at(path, "locality"), e.locality(), "a locality is region/zone/subzone");
        }
        if (e.network() != null) {
            // it becomes the label topology.istio.io/network
            Formats.labelValue(f, at(path, "network"), e.network());
        }
    }

    /**
     * A host as Gateway servers and Sidecar egress listeners list them, {@code namespace/dnsName}: the
     * namespace {@code *} (any), {@code .} (the resource's own) or a name, and for a Sidecar, where it
     * is required, {@code ~} (none) too.
     */
    private static void namespacedHost(String host, boolean sidecar, String path, Findings f) {
        int slash = host.indexOf('/');
        if (slash < 0 && sidecar) {
            f.invalid(path, host, "host must be of the form namespace/dnsName");
            return;
        }
        String ns = slash < 0 ? null : host.substring(0, slash);
        if (ns != null && !ns.equals("*") && !ns.equals(".") && !(sidecar && ns.equals("~"))) {
            Formats.dns1123Label(f, path, ns);
        }
        Formats.host(f, path, host.substring(slash + 1));
    }

    static void meshConfig(MeshConfigSpec spec, Findings f) {
        outboundTrafficPolicy(spec.outboundTrafficPolicy(), "spec.outboundTrafficPolicy", f);
    }

    private static void outboundTrafficPolicy(MeshConfigSpec.OutboundTrafficPolicy policy, String path, Findings f) {
        if (policy != null && policy.mode() != null && !OUTBOUND_MODES.contains(policy.mode())) {
            f.unsupported(at(path, "mode"), policy.mode(), OUTBOUND_MODES);
        }
    }

    /** As Istio's webhook: one catch-all listener (no port), last; ports unique; every listener with hosts. */
    static void sidecar(SidecarSpec spec, Findings f) {
        if (spec.workloadSelector() != null) {
            var selector = spec.workloadSelector();
            if (!selector.matchLabels().isEmpty()) {
                f.unknown("spec.workloadSelector.matchLabels",
                        "unknown field \"matchLabels\": a Sidecar selects its workloads by labels");
            }
            if (selector.labels().isEmpty()) {
                f.required("spec.workloadSelector.labels", "a workload selector needs at least one label");
            }
            selector.labels().forEach((k, v) -> {
                Formats.qualifiedName(f, key("spec.workloadSelector.labels", k), k);
                Formats.labelValue(f, key("spec.workloadSelector.labels", k), v);
            });
        }
        Set<Integer> ports = new HashSet<>();
        boolean catchAll = false;
        for (int i = 0; i < spec.egress().size(); i++) {
            SidecarSpec.EgressListener listener = spec.egress().get(i);
            String path = at("spec.egress", i);
            if (listener.port() == null) {
                if (catchAll) {
                    f.error(path, "only one egress listener may have no port (the catch-all)");
                } else if (i < spec.egress().size() - 1) {
                    f.error(path, "the egress listener without a port must be the last one");
                }
                catchAll = true;
            } else {
                Integer number = listener.port().number();
                if (number == null) {
                    f.required(at(path, "port.number"), "a listener's port needs a number");
                } else {
                    Formats.port(f, at(path, "port.number"), number);
                    if (!ports.add(number)) {
                        f.duplicate(at(path, "port.number"), number);
                    }
                }
                String protocol = listener.port().protocol();
                if (protocol != null && !SERVICE_PROTOCOLS.contains(protocol.toUpperCase(Locale.ROOT))) {
                    f.unsupported(at(path, "port.protocol"), protocol, SERVICE_PROTOCOLS);
                }
            }
            if (listener.hosts().isEmpty()) {
                f.required(at(path, "hosts"), "an egress listener must have at least one host");
            }
            for (int j = 0; j < listener.hosts().size(); j++) {
                namespacedHost(listener.hosts().get(j), true, at(at(path, "hosts"), j), f);
            }
        }
        outboundTrafficPolicy(spec.outboundTrafficPolicy(), "spec.outboundTrafficPolicy", f);
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
