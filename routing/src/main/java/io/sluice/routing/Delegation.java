package io.sluice.routing;

import io.sluice.model.Json;
import io.sluice.model.Resource;
import io.sluice.model.istio.Destination;
import io.sluice.model.istio.StringMatch;
import io.sluice.model.istio.VirtualServiceSpec;
import io.sluice.model.istio.VirtualServiceSpec.HTTPMatchRequest;
import io.sluice.model.istio.VirtualServiceSpec.HTTPMirrorPolicy;
import io.sluice.model.istio.VirtualServiceSpec.HTTPRoute;
import io.sluice.model.istio.VirtualServiceSpec.HTTPRouteDestination;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * VirtualService delegation, merged as Istio merges it: a root rule with {@code delegate} is replaced
 * by the rules of the delegate (a VirtualService without hosts). Each delegate match must fall within
 * one of the root rule's matches and is narrowed to it; a delegate rule none of whose matches does is
 * dropped. What a delegate rule leaves out (rewrite, timeout, retries, fault, mirrors, CORS, headers)
 * comes from the root rule. Short destination names keep meaning the delegate's namespace. One level
 * deep: a delegate's own {@code delegate} is refused by validation.
 */
final class Delegation {

    private static final Delegation NONE = new Delegation(Map.of());

    /** The hostless VirtualServices by {@code ns/name}, with their namespaces. */
    private final Map<String, Delegate> delegates;

    private record Delegate(String namespace, VirtualServiceSpec spec) {
    }

    private Delegation(Map<String, Delegate> delegates) {
        this.delegates = delegates;
    }

    static Delegation of(Collection<Resource> virtualServices) {
        Map<String, Delegate> out = new HashMap<>();
        for (Resource vs : virtualServices) {
            VirtualServiceSpec spec = Json.spec(vs, VirtualServiceSpec.class);
            if (spec.hosts().isEmpty()) {
                out.put(vs.namespace() + "/" + vs.name(), new Delegate(vs.namespace(), spec));
            }
        }
        return out.isEmpty() ? NONE : new Delegation(out);
    }

    /** Whether a VirtualService takes part in delegation, as a root or as a delegate. */
    static boolean involved(VirtualServiceSpec spec) {
        return spec.hosts().isEmpty() || spec.http().stream().anyMatch(r -> r.delegate() != null);
    }

    /** The VirtualService with its delegating rules replaced by the merged rules of their delegates. */
    VirtualServiceSpec expand(String namespace, VirtualServiceSpec spec) {
        if (spec.http().stream().noneMatch(r -> r.delegate() != null)) {
            return spec;
        }
        List<HTTPRoute> rules = new ArrayList<>();
        for (HTTPRoute root : spec.http()) {
            if (root.delegate() == null) {
                rules.add(root);
                continue;
            }
            String ns = root.delegate().namespace() == null || root.delegate().namespace().isEmpty()
                    ? namespace : root.delegate().namespace();
            Delegate d = delegates.get(ns + "/" + root.delegate().name());
            if (d == null) {
                continue; // a delegate not (yet) applied routes nothing, as in Istio
            }
            for (HTTPRoute leaf : d.spec().http()) {
                HTTPRoute merged = merge(root, ns.equals(namespace) ? leaf : qualified(leaf, ns));
                if (merged != null) {
                    rules.add(merged);
                }
            }
        }
        return new VirtualServiceSpec(spec.hosts(), spec.gateways(), rules, spec.tls(), spec.tcp(), spec.exportTo());
    }

    /** A delegate rule within its root rule, or null when its matches conflict with all of the root's. */
    static HTTPRoute merge(HTTPRoute root, HTTPRoute leaf) {
        List<HTTPMatchRequest> matches = matches(root.match(), leaf.match());
        if (matches == null) {
            return null;
        }
        String name = leaf.name() == null ? root.name() : root.name() == null ? leaf.name()
                : root.name() + "-" + leaf.name();
        return new HTTPRoute(name, matches, leaf.route(), leaf.redirect(), leaf.directResponse(), null,
                or(leaf.rewrite(), root.rewrite()), or(leaf.timeout(), root.timeout()),
                or(leaf.retries(), root.retries()), or(leaf.fault(), root.fault()), or(leaf.mirror(), root.mirror()),
                or(leaf.mirrorPercentage(), root.mirrorPercentage()), or(leaf.mirrorPercent(), root.mirrorPercent()),
                leaf.mirrors().isEmpty() ? root.mirrors() : leaf.mirrors(), or(leaf.corsPolicy(), root.corsPolicy()),
                or(leaf.headers(), root.headers()));
    }

    /** Each delegate match merged with every root match it does not conflict with; null if one fits none. */
    private static List<HTTPMatchRequest> matches(List<HTTPMatchRequest> root, List<HTTPMatchRequest> leaf) {
        if (root.isEmpty()) {
            return leaf;
        }
        if (leaf.isEmpty()) {
            return root;
        }
        List<HTTPMatchRequest> out = new ArrayList<>();
        for (HTTPMatchRequest l : leaf) {
            boolean fits = false;
            for (HTTPMatchRequest r : root) {
                if (!conflict(r, l)) {
                    out.add(merge(r, l));
                    fits = true;
                }
            }
            if (!fits) {
                return null;
            }
        }
        return out;
    }

    /** Istio's hasConflict: whether a delegate match asks for something outside a root match. */
    static boolean conflict(HTTPMatchRequest root, HTTPMatchRequest leaf) {
        if (conflict(root.uri(), leaf.uri()) || conflict(root.scheme(), leaf.scheme())
                || conflict(root.method(), leaf.method()) || conflict(root.authority(), leaf.authority())) {
            return true;
        }
        if (conflict(root.headers(), leaf.headers()) || conflict(root.withoutHeaders(), leaf.withoutHeaders())
                || conflict(root.queryParams(), leaf.queryParams())) {
            return true;
        }
        if (Boolean.TRUE.equals(root.ignoreUriCase()) != Boolean.TRUE.equals(leaf.ignoreUriCase())) {
            return true;
        }
        if (root.port() != null && leaf.port() != null && !root.port().equals(leaf.port())) {
            return true;
        }
        if (root.sourceNamespace() != null && !root.sourceNamespace().equals(leaf.sourceNamespace())) {
            return true;
        }
        // the root's source labels and gateways must include the delegate's
        return !root.sourceLabels().entrySet().containsAll(leaf.sourceLabels().entrySet())
                || (!root.gateways().isEmpty() && !root.gateways().containsAll(leaf.gateways()));
    }

    private static boolean conflict(Map<String, StringMatch> root, Map<String, StringMatch> leaf) {
        return leaf.entrySet().stream().anyMatch(e -> conflict(root.get(e.getKey()), e.getValue()));
    }

    /**
     * Istio's stringMatchConflict: a regex on either side admits nothing else on the other; an exact
     * root takes only the same exact; a prefix root takes a longer prefix or an exact under it.
     */
    static boolean conflict(StringMatch root, StringMatch leaf) {
        if (root == null || leaf == null) {
            return false;
        }
        if (root.regex() != null || leaf.regex() != null) {
            return true;
        }
        if (root.exact() != null) {
            return !root.exact().equals(leaf.exact());
        }
        if (root.prefix() != null) {
            String narrower = leaf.prefix() != null ? leaf.prefix() : leaf.exact();
            return narrower == null || !narrower.startsWith(root.prefix());
        }
        return true;
    }

    /** Istio's mergeHTTPMatchRequest: the delegate's conditions, the root's where it has none. */
    private static HTTPMatchRequest merge(HTTPMatchRequest root, HTTPMatchRequest leaf) {
        String name = leaf.name() == null ? root.name() : root.name() == null ? leaf.name()
                : root.name() + "-" + leaf.name();
        return new HTTPMatchRequest(name, or(leaf.uri(), root.uri()), or(leaf.scheme(), root.scheme()),
                or(leaf.method(), root.method()), or(leaf.authority(), root.authority()),
                union(root.headers(), leaf.headers()), or(leaf.port(), root.port()),
                union(root.sourceLabels(), leaf.sourceLabels()),
                leaf.gateways().isEmpty() ? root.gateways() : leaf.gateways(),
                union(root.queryParams(), leaf.queryParams()), leaf.ignoreUriCase(),
                union(root.withoutHeaders(), leaf.withoutHeaders()), or(leaf.sourceNamespace(), root.sourceNamespace()));
    }

    /** A delegate rule from another namespace with its short destination names made full. */
    private static HTTPRoute qualified(HTTPRoute r, String namespace) {
        List<HTTPRouteDestination> route = r.route().stream()
                .map(d -> new HTTPRouteDestination(qualified(d.destination(), namespace), d.weight(), d.headers()))
                .toList();
        List<HTTPMirrorPolicy> mirrors = r.mirrors().stream()
                .map(m -> new HTTPMirrorPolicy(qualified(m.destination(), namespace), m.percentage()))
                .toList();
        return new HTTPRoute(r.name(), r.match(), route, r.redirect(), r.directResponse(), r.delegate(),
                r.rewrite(), r.timeout(), r.retries(), r.fault(), qualified(r.mirror(), namespace),
                r.mirrorPercentage(), r.mirrorPercent(), mirrors, r.corsPolicy(), r.headers());
    }

    private static Destination qualified(Destination d, String namespace) {
        if (d == null || d.host() == null || d.host().contains(".")) {
            return d;
        }
        return new Destination(d.host() + "." + namespace + ".svc.cluster.local", d.subset(), d.port());
    }

    private static <T> Map<String, T> union(Map<String, T> root, Map<String, T> leaf) {
        Map<String, T> out = new LinkedHashMap<>(root);
        out.putAll(leaf);
        return out;
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
