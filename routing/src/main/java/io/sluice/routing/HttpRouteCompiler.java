package io.sluice.routing;

import io.sluice.model.istio.Destination;
import io.sluice.model.istio.VirtualServiceSpec.HTTPMatchRequest;
import io.sluice.model.istio.VirtualServiceSpec.HTTPRoute;
import io.sluice.model.istio.VirtualServiceSpec.HTTPRouteDestination;
import io.sluice.model.istio.VirtualServiceSpec.HeaderOperations;
import io.sluice.model.istio.VirtualServiceSpec.Headers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Compiles the http rules of one VirtualService as seen from one node, gateway and server port. */
final class HttpRouteCompiler {

    private final ServiceDirectory directory;
    private final NodeIdentity node;

    HttpRouteCompiler(ServiceDirectory directory, NodeIdentity node) {
        this.directory = directory;
        this.node = node;
    }

    /**
     * @param origin     {@code ns/name} of the VirtualService
     * @param gatewayRef the gateway as {@code ns/name}, or {@code mesh}
     */
    List<Route> compile(String origin, String namespace, List<HTTPRoute> rules, String gatewayRef, int port) {
        List<Route> out = new ArrayList<>();
        for (int i = 0; i < rules.size(); i++) {
            HTTPRoute rule = rules.get(i);
            List<HTTPMatchRequest> applicable = rule.match().stream()
                    .filter(m -> GatewayRefs.applies(m.gateways(), m.sourceLabels(), m.sourceNamespace(), namespace,
                            gatewayRef, node))
                    .filter(m -> m.port() == null || m.port() == port)
                    .toList();
            if (!rule.match().isEmpty() && applicable.isEmpty()) {
                continue; // every match block is for another gateway, source or port
            }
            RouteAction action = action(rule, namespace);
            if (action != null) {
                out.add(new Route(origin + "#" + (rule.name() != null ? rule.name() : i),
                        RequestMatch.compileAll(applicable), action, RoutePolicies.compile(rule)));
            }
        }
        return out;
    }

    private RouteAction action(HTTPRoute rule, String namespace) {
        if (rule.directResponse() != null) {
            var d = rule.directResponse();
            String body = d.body() == null ? ""
                    : d.body().string() != null ? d.body().string()
                    : new String(java.util.Base64.getDecoder().decode(d.body().bytes()),
                    java.nio.charset.StandardCharsets.UTF_8);
            return new RouteAction.DirectResponse(d.status() == null ? 200 : d.status(), body);
        }
        if (rule.redirect() != null) {
            var r = rule.redirect();
            return new RouteAction.Redirect(r.uri(), r.authority(), r.port(), r.scheme(),
                    r.redirectCode() == null ? 301 : r.redirectCode());
        }
        if (rule.route().isEmpty()) {
            return null;
        }
        List<RouteAction.WeightedCluster> targets = new ArrayList<>();
        boolean single = rule.route().size() == 1;
        for (HTTPRouteDestination d : rule.route()) {
            int weight = d.weight() != null ? d.weight() : single ? 100 : 0;
            Headers h = d.headers();
            targets.add(new RouteAction.WeightedCluster(directory.cluster(d.destination(), namespace), weight,
                    headerRules(h == null ? null : h.request()), headerRules(h == null ? null : h.response())));
        }
        int total = targets.stream().mapToInt(RouteAction.WeightedCluster::weight).sum();
        if (total <= 0) {
            // no weights at all: spread evenly
            targets = targets.stream().map(t -> new RouteAction.WeightedCluster(t.cluster(), 1,
                    t.requestHeaders(), t.responseHeaders())).toList();
            total = targets.size();
        }
        Headers h = rule.headers();
        String matchedPrefix = rule.match().stream()
                .map(HTTPMatchRequest::uri).filter(u -> u != null && u.prefix() != null)
                .map(u -> u.prefix()).findFirst().orElse(null);
        RouteAction.Rewrite rewrite = rule.rewrite() == null ? null
                : new RouteAction.Rewrite(rule.rewrite().uri(), matchedPrefix, rule.rewrite().authority());
        return new RouteAction.Forward(targets, total, headerRules(h == null ? null : h.request()),
                headerRules(h == null ? null : h.response()), rewrite, mirrors(rule, namespace));
    }

    private List<RouteAction.MirrorTarget> mirrors(HTTPRoute rule, String namespace) {
        List<RouteAction.MirrorTarget> out = new ArrayList<>();
        if (rule.mirror() != null) {
            double pct = rule.mirrorPercentage() != null && rule.mirrorPercentage().value() != null
                    ? rule.mirrorPercentage().value()
                    : rule.mirrorPercent() != null ? rule.mirrorPercent() : 100.0;
            out.add(new RouteAction.MirrorTarget(directory.cluster(rule.mirror(), namespace), pct));
        }
        for (var m : rule.mirrors()) {
            Destination d = m.destination();
            double pct = m.percentage() == null || m.percentage().value() == null ? 100.0 : m.percentage().value();
            out.add(new RouteAction.MirrorTarget(directory.cluster(d, namespace), pct));
        }
        return out;
    }

    static RouteAction.HeaderRules headerRules(HeaderOperations ops) {
        if (ops == null) {
            return RouteAction.HeaderRules.NONE;
        }
        return new RouteAction.HeaderRules(lower(ops.set()), lower(ops.add()),
                ops.remove().stream().map(s -> s.toLowerCase(Locale.ROOT)).toList());
    }

    private static Map<String, String> lower(Map<String, String> in) {
        Map<String, String> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
        return out;
    }
}
