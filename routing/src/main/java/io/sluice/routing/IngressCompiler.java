package io.sluice.routing;

import io.sluice.model.HostNames;
import io.sluice.model.Json;
import io.sluice.model.Resource;
import io.sluice.model.istio.Destination;
import io.sluice.model.istio.PortSelector;
import io.sluice.model.kubernetes.IngressSpec;
import io.sluice.model.kubernetes.IngressSpec.HTTPIngressPath;
import io.sluice.model.kubernetes.IngressSpec.IngressBackend;
import io.sluice.model.kubernetes.IngressSpec.ServiceBackendPort;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.model.registry.ServicePort;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Serves Kubernetes Ingresses on an ingress gateway, as Istio's built-in controller does with its default
 * {@code ingressControllerMode: STRICT}: only Ingresses of class {@code istio} are served, on port 80,
 * and on port 443 too for the hosts of their {@code tls} entries, with the Secret each names.
 * <p>
 * Host selection follows nginx and Istio: a request for a host that has rules sees only that host's
 * paths, never those of rules without a host. Within a host the longest path wins and Exact beats
 * Prefix on equal paths; the default backend takes whatever no path matched.
 */
final class IngressCompiler {

    /** The gateway server port Ingresses are served on. */
    static final int PORT = 80;
    static final String PROTOCOL = "HTTP";
    /** The port their {@code tls} entries are served on. */
    static final int TLS_PORT = 443;
    static final String TLS_PROTOCOL = "HTTPS";

    private static final String ISTIO_CLASS = "istio";
    private static final String ALL_HOSTS = "*";

    private final ServiceDirectory directory;

    IngressCompiler(ServiceDirectory directory) {
        this.directory = directory;
    }

    /**
     * Whether Istio serves this Ingress. The annotation is checked first, as Istio does: it is how the
     * book's files pick the class, and it overrides {@code spec.ingressClassName} where both are set.
     */
    static boolean served(Resource ingress) {
        String annotated = ingress.metadata().annotations().get(IngressSpec.CLASS_ANNOTATION);
        if (annotated != null) {
            return ISTIO_CLASS.equals(annotated);
        }
        return ISTIO_CLASS.equals(Json.spec(ingress, IngressSpec.class).ingressClassName());
    }

    /**
     * The HTTPS servers the served Ingresses' {@code tls} entries make, as Istio converts them: SIMPLE
     * termination with the entry's Secret (in the gateway's namespace, as any credentialName) for its
     * hosts, or every host when it names none. An entry without a Secret is skipped, as in Istio.
     */
    static List<ServerTls> tls(List<Resource> ingresses) {
        List<ServerTls> out = new ArrayList<>();
        for (Resource ingress : ingresses) {
            List<IngressSpec.IngressTLS> entries = Json.spec(ingress, IngressSpec.class).tls();
            for (int i = 0; i < entries.size(); i++) {
                IngressSpec.IngressTLS t = entries.get(i);
                if (t.secretName() == null || t.secretName().isEmpty()) {
                    continue;
                }
                List<String> hosts = t.hosts().isEmpty() ? List.of(ALL_HOSTS)
                        : t.hosts().stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
                out.add(new ServerTls("https-443-ingress-" + ingress.name() + "-" + ingress.namespace() + "-" + i,
                        hosts, ServerTls.Mode.SIMPLE, t.secretName(), null, null, List.of(), List.of()));
            }
        }
        return out;
    }

    /**
     * The routes of the served Ingresses by host pattern ({@code *} for rules without a host), each list
     * in match order.
     *
     * @param ingresses served Ingresses, oldest first
     */
    Map<String, List<Route>> compile(List<Resource> ingresses) {
        Map<String, List<IngressPath>> byHost = new LinkedHashMap<>();
        for (Resource ing : ingresses) {
            IngressSpec spec = Json.spec(ing, IngressSpec.class);
            String origin = ing.namespace() + "/" + ing.name();
            for (int i = 0; i < spec.rules().size(); i++) {
                var rule = spec.rules().get(i);
                if (rule.http() == null) {
                    continue;
                }
                String host = rule.host() == null || rule.host().isEmpty() ? ALL_HOSTS
                        : rule.host().toLowerCase(Locale.ROOT);
                for (int j = 0; j < rule.http().paths().size(); j++) {
                    HTTPIngressPath path = rule.http().paths().get(j);
                    RouteAction action = forward(path.backend(), ing.namespace());
                    if (action != null) {
                        byHost.computeIfAbsent(host, h -> new ArrayList<>()).add(
                                IngressPath.of(origin + "#rule" + i + ".path" + j, path, action));
                    }
                }
            }
        }
        // stable sort: on equal paths and types the older Ingress keeps precedence
        byHost.values().forEach(paths -> paths.sort(IngressPath.PRECEDENCE));

        List<IngressPath> allHosts = byHost.getOrDefault(ALL_HOSTS, List.of());
        Map<String, List<Route>> out = new LinkedHashMap<>();
        for (var e : byHost.entrySet()) {
            String host = e.getKey();
            List<Route> routes = new ArrayList<>();
            if (host.startsWith("*.")) {
                // host lookup lets *.foo.com take a.b.foo.com too; the Ingress wildcard stands for one label,
                // so its paths are narrowed to one label and deeper hosts get the rules without a host
                var oneLabel = new StringMatcher.OneLabelWildcard(host.substring(1));
                e.getValue().forEach(p -> routes.add(p.route(oneLabel)));
                allHosts.forEach(p -> routes.add(p.route(new StringMatcher.Not(oneLabel))));
            } else {
                e.getValue().forEach(p -> routes.add(p.route(null)));
            }
            out.put(host, routes);
        }
        Route defaultRoute = defaultRoute(ingresses);
        if (defaultRoute != null) {
            out.computeIfAbsent(ALL_HOSTS, h -> new ArrayList<>());
            out.values().forEach(routes -> routes.add(defaultRoute));
        }
        return out;
    }

    /** One gateway has one default: the oldest Ingress that names a usable default backend provides it. */
    private Route defaultRoute(List<Resource> ingresses) {
        for (Resource ing : ingresses) {
            IngressSpec spec = Json.spec(ing, IngressSpec.class);
            RouteAction action = forward(spec.defaultBackend(), ing.namespace());
            if (action != null) {
                return new Route(ing.namespace() + "/" + ing.name() + "#default", List.of(), action);
            }
        }
        return null;
    }

    /** Forwards to a Service in the Ingress's namespace; null for a resource backend, which Istio ignores. */
    private RouteAction forward(IngressBackend backend, String namespace) {
        if (backend == null || backend.service() == null || backend.service().name() == null) {
            return null;
        }
        String fqdn = HostNames.serviceFqdn(backend.service().name().toLowerCase(Locale.ROOT), namespace);
        ServiceBackendPort port = backend.service().port();
        Cluster cluster;
        if (port != null && port.number() == null && port.name() != null) {
            Integer number = portNamed(fqdn, port.name());
            cluster = number != null
                    ? directory.cluster(new Destination(fqdn, null, new PortSelector(number)), namespace)
                    // a port the Service does not have: no endpoints, so the gateway answers 503
                    : new Cluster(fqdn, 0, "", "unknown", List.of(), false);
        } else {
            cluster = directory.cluster(new Destination(fqdn, null,
                    port == null ? null : new PortSelector(port.number())), namespace);
        }
        var target = new RouteAction.WeightedCluster(cluster, 1, RouteAction.HeaderRules.NONE,
                RouteAction.HeaderRules.NONE);
        return new RouteAction.Forward(List.of(target), 1, RouteAction.HeaderRules.NONE,
                RouteAction.HeaderRules.NONE, null, List.of());
    }

    private Integer portNamed(String fqdn, String name) {
        ServiceEndpoints svc = directory.service(fqdn);
        if (svc == null) {
            return null;
        }
        return svc.ports().stream().filter(p -> name.equals(p.name())).map(ServicePort::number)
                .findFirst().orElse(null);
    }

    /**
     * One Ingress path, compiled.
     *
     * @param length the path's length as matched (a Prefix without its trailing slash), for precedence
     */
    private record IngressPath(String origin, StringMatcher uri, boolean exact, int length, RouteAction action) {

        /** Longest path first; Exact before Prefix on equal length. */
        static final Comparator<IngressPath> PRECEDENCE = Comparator
                .comparingInt(IngressPath::length).reversed()
                .thenComparing(p -> !p.exact());

        static IngressPath of(String origin, HTTPIngressPath path, RouteAction action) {
            if ("Exact".equals(path.pathType())) {
                String p = path.path() == null ? "/" : path.path();
                return new IngressPath(origin, new StringMatcher.Exact(p, false), true, p.length(), action);
            }
            // Prefix, and ImplementationSpecific, which Sluice implements as Prefix
            var prefix = StringMatcher.PathPrefix.of(path.path());
            return new IngressPath(origin, prefix, false, prefix.value().length(), action);
        }

        Route route(StringMatcher host) {
            return new Route(origin, List.of(RequestMatch.path(uri, host)), action);
        }
    }
}
