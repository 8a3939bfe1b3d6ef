package io.sluice.routing;

import io.sluice.model.HostNames;
import io.sluice.model.Json;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKind;
import io.sluice.model.istio.Destination;
import io.sluice.model.istio.PortSelector;
import io.sluice.model.istio.VirtualServiceSpec;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.model.registry.ServicePort;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The table of the mesh outbound proxy (the reserved gateway {@code mesh}), shaped like a sidecar's
 * outbound listeners: every registry service port is reachable by its host names, HTTP ports through
 * HTTP routes and TLS/TCP ports through server-name routes; VirtualServices bound to {@code mesh}
 * (those with no {@code gateways} too) replace the default route of their hosts. A Sidecar that applies
 * to the node narrows this to the hosts it imports and may set its own policy ({@link SidecarScope}).
 * Whatever matches nothing is left to the {@link OutboundPolicy}.
 */
final class MeshRouteCompiler {

    private static final Set<String> HTTP_PROTOCOLS = Set.of("HTTP", "HTTP2", "GRPC", "GRPC-WEB", "HTTP_PROXY");
    private static final int DEFAULT_HTTP_PORT = 80;
    private static final int DEFAULT_TLS_PORT = 443;

    private MeshRouteCompiler() {
    }

    static RouteTable compile(ConfigSnapshot snapshot, NodeIdentity node, ServiceDirectory directory,
                              OutboundPolicy meshPolicy) {
        SidecarScope scope = SidecarScope.of(snapshot.ofKind(ResourceKind.SIDECAR), node, meshPolicy);
        HttpRouteCompiler http = new HttpRouteCompiler(directory, node);
        TlsRouteCompiler tls = new TlsRouteCompiler(directory, node);
        Map<Integer, ListenerBuilder> listeners = new TreeMap<>();
        Map<Integer, Map<String, TcpRoute>> sni = new TreeMap<>();
        List<Resource> virtualServices = snapshot.ofKind(ResourceKind.VIRTUAL_SERVICE);
        Delegation delegation = Delegation.of(virtualServices);
        for (Resource vs : virtualServices) {
            VirtualServiceSpec spec = delegation.expand(vs.namespace(), Json.spec(vs, VirtualServiceSpec.class));
            if (!spec.gateways().isEmpty() && !spec.gateways().contains(NodeIdentity.MESH)) {
                continue;
            }
            String origin = vs.namespace() + "/" + vs.name();
            for (String host : spec.hosts()) {
                String fqdn = host.startsWith("*") ? host.toLowerCase(Locale.ROOT)
                        : directory.resolveHost(host, vs.namespace());
                ServiceEndpoints svc = directory.service(fqdn);
                for (int port : ports(svc, true, httpMatchPorts(spec))) {
                    if (!scope.imports(vs.namespace(), fqdn, port)) {
                        continue;
                    }
                    List<Route> routes = http.compile(origin, vs.namespace(), spec.http(), NodeIdentity.MESH, port);
                    if (!routes.isEmpty()) {
                        for (String name : names(fqdn, svc)) {
                            listeners.computeIfAbsent(port, p -> new ListenerBuilder(p, "HTTP"))
                                    .add(name, origin, routes);
                        }
                    }
                }
            }
            if (!spec.tls().isEmpty()) {
                Set<Integer> ports = new TreeSet<>(tlsMatchPorts(spec));
                for (String host : spec.hosts()) {
                    ports.addAll(ports(directory.service(directory.resolveHost(host, vs.namespace())), false,
                            Set.of()));
                }
                for (int port : ports) {
                    List<String> seen = spec.hosts().stream()
                            .filter(h -> scope.imports(vs.namespace(), directory.resolveHost(h, vs.namespace()), port))
                            .toList();
                    if (!seen.isEmpty()) {
                        tls.compile(origin, vs.namespace(), seen, spec.tls(), NodeIdentity.MESH, port, "*",
                                sni.computeIfAbsent(port, p -> new LinkedHashMap<>()));
                    }
                }
            }
        }
        for (ServiceEndpoints svc : new TreeMap<>(snapshot.services()).values()) {
            String origin = "registry:" + svc.host();
            for (ServicePort p : svc.ports()) {
                if (!scope.imports(svc.namespace(), svc.host(), p.number())) {
                    continue;
                }
                Cluster cluster = directory.cluster(new Destination(svc.host(), null, new PortSelector(p.number())), "");
                if (isHttp(p)) {
                    var listener = listeners.computeIfAbsent(p.number(), n -> new ListenerBuilder(n, "HTTP"));
                    Route route = Route.forwardTo(origin, cluster);
                    for (String name : names(svc.host(), svc)) {
                        if (!listener.hasHost(name)) {
                            listener.add(name, origin, List.of(route));
                        }
                    }
                } else {
                    Map<String, TcpRoute> routes = sni.computeIfAbsent(p.number(), n -> new LinkedHashMap<>());
                    for (String name : names(svc.host(), svc)) {
                        routes.merge(name, TcpRoute.to(origin, cluster), TcpRoute::chain);
                    }
                }
            }
        }
        Map<Integer, Listener> compiled = new LinkedHashMap<>();
        listeners.forEach((port, b) -> compiled.put(port, b.build()));
        Map<Integer, SniRouter> routers = new LinkedHashMap<>();
        sni.forEach((port, routes) -> routers.put(port, SniRouter.of(port, routes)));
        return new RouteTable(snapshot.configRevision(), snapshot.registryRevision(), compiled, routers,
                scope.outbound());
    }

    static boolean isHttp(ServicePort p) {
        return p.protocol() == null || HTTP_PROTOCOLS.contains(p.protocol().toUpperCase(Locale.ROOT));
    }

    /**
     * The ports a VirtualService host is served on: the service's ports of the kind asked for, the
     * ports its rules match on, or the protocol's default port for a host the registry does not know.
     */
    private static Set<Integer> ports(ServiceEndpoints svc, boolean httpPorts, Set<Integer> matchPorts) {
        Set<Integer> out = new TreeSet<>(matchPorts);
        if (svc != null) {
            svc.ports().stream().filter(p -> isHttp(p) == httpPorts).forEach(p -> out.add(p.number()));
        }
        if (out.isEmpty() && svc == null) {
            out.add(httpPorts ? DEFAULT_HTTP_PORT : DEFAULT_TLS_PORT);
        }
        return out;
    }

    private static Set<Integer> httpMatchPorts(VirtualServiceSpec spec) {
        Set<Integer> out = new TreeSet<>();
        spec.http().forEach(r -> r.match().forEach(m -> {
            if (m.port() != null) {
                out.add(m.port());
            }
        }));
        return out;
    }

    private static Set<Integer> tlsMatchPorts(VirtualServiceSpec spec) {
        Set<Integer> out = new TreeSet<>();
        spec.tls().forEach(r -> r.match().forEach(m -> {
            if (m.port() != null) {
                out.add(m.port());
            }
        }));
        return out;
    }

    /**
     * The names a client may use for a host: a Kubernetes service also answers to {@code name.ns} and
     * {@code name.ns.svc}. The bare {@code name} depends on the client's namespace and is not served.
     */
    private static List<String> names(String fqdn, ServiceEndpoints svc) {
        List<String> out = new ArrayList<>(List.of(fqdn));
        if (svc != null && fqdn.endsWith(HostNames.CLUSTER_SUFFIX)) {
            String nameNs = fqdn.substring(0, fqdn.length() - HostNames.CLUSTER_SUFFIX.length());
            out.add(nameNs);
            out.add(nameNs + ".svc");
        }
        return out;
    }
}
