package io.sluice.routing;

import io.sluice.model.Json;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKind;
import io.sluice.model.istio.GatewaySpec;
import io.sluice.model.istio.MeshConfigSpec;
import io.sluice.model.istio.VirtualServiceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a consistent snapshot of config and registry into the {@link RouteTable} of one node. Runs
 * once per change, off the request path; everything a request needs (regexes, weights, endpoints) is
 * resolved here.
 */
public final class RouteCompiler {

    private RouteCompiler() {
    }

    public static RouteTable compile(ConfigSnapshot snapshot, NodeIdentity node) {
        ServiceDirectory directory = new ServiceDirectory(snapshot.services(),
                snapshot.ofKind(ResourceKind.DESTINATION_RULE), snapshot.ofKind(ResourceKind.SECRET));
        OutboundPolicy outbound = outboundPolicy(snapshot);
        if (node.mesh()) {
            return MeshRouteCompiler.compile(snapshot, directory, outbound);
        }
        if (node.enforcesOutboundPolicy() && outbound == OutboundPolicy.ALLOW_ANY) {
            directory.reachUnregisteredHostsByName();
        }
        HttpRouteCompiler http = new HttpRouteCompiler(directory);
        TlsRouteCompiler tls = new TlsRouteCompiler(directory);
        List<ServerBinding> servers = selectedServers(snapshot, node);
        Map<Integer, ListenerBuilder> listeners = new LinkedHashMap<>();
        Map<Integer, Map<String, TcpRoute>> passthrough = new LinkedHashMap<>();
        for (ServerBinding s : servers) {
            if (s.passthrough()) {
                passthrough.computeIfAbsent(s.port(), p -> new LinkedHashMap<>());
                continue;
            }
            ListenerBuilder b = listeners.computeIfAbsent(s.port(), p -> new ListenerBuilder(p, s.protocol()));
            if (s.tls() != null) {
                b.addTls(s.tls());
            }
            if (s.httpsRedirect()) {
                b.redirectToHttps(s.host());
            }
        }
        for (ServerBinding s : servers) {
            if (s.autoPassthrough()) {
                AutoPassthrough.addRoutes(s.host(), s.port(), directory, snapshot.services(),
                        passthrough.get(s.port()));
            }
        }
        for (Resource vs : snapshot.ofKind(ResourceKind.VIRTUAL_SERVICE)) {
            VirtualServiceSpec spec = Json.spec(vs, VirtualServiceSpec.class);
            List<String> refs = (spec.gateways().isEmpty() ? List.of(NodeIdentity.MESH) : spec.gateways())
                    .stream().map(g -> GatewayRefs.resolve(g, vs.namespace())).toList();
            for (ServerBinding s : servers) {
                // a redirecting server answers every request itself (Envoy's require_tls)
                if (s.httpsRedirect() || !refs.contains(s.gatewayRef()) || !s.admitsNamespace(vs.namespace())) {
                    continue;
                }
                if (s.passthrough()) {
                    tls.compile(vs.namespace() + "/" + vs.name(), vs.namespace(), spec.hosts(), spec.tls(),
                            s.gatewayRef(), s.port(), s.host(), passthrough.get(s.port()));
                    continue;
                }
                List<Route> routes = null;
                for (String vsHost : spec.hosts()) {
                    String host = HostMatcher.intersect(s.host(), vsHost.toLowerCase(Locale.ROOT));
                    if (host == null) {
                        continue;
                    }
                    if (routes == null) {
                        routes = http.compile(vs.namespace() + "/" + vs.name(), vs.namespace(), spec.http(),
                                s.gatewayRef(), s.port());
                    }
                    listeners.get(s.port()).add(host, vs.namespace() + "/" + vs.name(), routes);
                }
            }
        }
        if (node.ingressGateway()) {
            List<Resource> ingresses = snapshot.ofKind(ResourceKind.INGRESS).stream()
                    .filter(IngressCompiler::served).toList();
            if (!ingresses.isEmpty()) {
                // a served Ingress is answered on port 80 even with no Gateway there: unknown hosts get 404
                listeners.computeIfAbsent(IngressCompiler.PORT,
                                p -> new ListenerBuilder(p, IngressCompiler.PROTOCOL))
                        .addIngress(new IngressCompiler(directory).compile(ingresses));
            }
        }
        Map<Integer, Listener> compiled = new LinkedHashMap<>();
        listeners.forEach((port, b) -> compiled.put(port, b.build()));
        Map<Integer, SniRouter> sni = new LinkedHashMap<>();
        passthrough.forEach((port, routes) -> sni.put(port, SniRouter.of(port, routes)));
        return new RouteTable(snapshot.configRevision(), snapshot.registryRevision(), compiled, sni, outbound);
    }

    /** The mesh-wide policy from MeshConfig {@code istio-system/mesh}; ALLOW_ANY without one. */
    static OutboundPolicy outboundPolicy(ConfigSnapshot snapshot) {
        for (Resource r : snapshot.ofKind(ResourceKind.MESH_CONFIG)) {
            if (MeshConfigSpec.NAME.equals(r.name()) && MeshConfigSpec.NAMESPACE.equals(r.namespace())) {
                return Json.spec(r, MeshConfigSpec.class).registryOnly()
                        ? OutboundPolicy.REGISTRY_ONLY : OutboundPolicy.ALLOW_ANY;
            }
        }
        return OutboundPolicy.ALLOW_ANY;
    }

    /** Every server of every Gateway whose selector picks this node, one binding per server host. */
    private static List<ServerBinding> selectedServers(ConfigSnapshot snapshot, NodeIdentity node) {
        List<ServerBinding> out = new ArrayList<>();
        for (Resource gw : snapshot.ofKind(ResourceKind.GATEWAY)) {
            GatewaySpec spec = Json.spec(gw, GatewaySpec.class);
            if (!node.selectedBy(spec.selector())) {
                continue;
            }
            for (GatewaySpec.Server server : spec.servers()) {
                if (server.port() == null || server.port().number() == null) {
                    continue;
                }
                String protocol = server.port().protocol() == null ? "HTTP"
                        : server.port().protocol().toUpperCase(Locale.ROOT);
                String tlsMode = server.tls() == null || server.tls().mode() == null ? null
                        : server.tls().mode().toUpperCase(Locale.ROOT);
                List<ServerBinding> bindings = server.hosts().stream()
                        .map(h -> ServerBinding.of(gw.namespace() + "/" + gw.name(), gw.namespace(),
                                server.port().number(), protocol, tlsMode, h, null, false))
                        .toList();
                boolean terminates = protocol.equals("HTTPS") && !bindings.getFirst().passthrough();
                ServerTls tls = terminates
                        ? ServerTls.of(server, bindings.stream().map(ServerBinding::host).toList()) : null;
                // Istio honours httpsRedirect on plain-text servers only
                boolean redirect = protocol.equals("HTTP") && server.tls() != null
                        && Boolean.TRUE.equals(server.tls().httpsRedirect());
                bindings.forEach(b -> out.add(b.with(tls, redirect)));
            }
        }
        return out;
    }

    /**
     * One host of one Gateway server. A host may carry a namespace filter: {@code ns/host},
     * {@code ./host} (the Gateway's namespace) or {@code *}/host.
     */
    private record ServerBinding(String gatewayRef, int port, String protocol, String tlsMode,
                                 String namespaceFilter, String host, ServerTls tls, boolean httpsRedirect) {

        static ServerBinding of(String gatewayRef, String gatewayNamespace, int port, String protocol,
                                String tlsMode, String hostSpec, ServerTls tls, boolean httpsRedirect) {
            int slash = hostSpec.indexOf('/');
            String ns = slash < 0 ? "*" : hostSpec.substring(0, slash);
            String host = (slash < 0 ? hostSpec : hostSpec.substring(slash + 1)).toLowerCase(Locale.ROOT);
            return new ServerBinding(gatewayRef, port, protocol, tlsMode, ns.equals(".") ? gatewayNamespace : ns,
                    host, tls, httpsRedirect);
        }

        ServerBinding with(ServerTls t, boolean redirect) {
            return new ServerBinding(gatewayRef, port, protocol, tlsMode, namespaceFilter, host, t, redirect);
        }

        /** A TLS stream routed by SNI and not terminated here (TLS/HTTPS server, PASSTHROUGH modes). */
        boolean passthrough() {
            return "PASSTHROUGH".equals(tlsMode) || autoPassthrough();
        }

        boolean autoPassthrough() {
            return "AUTO_PASSTHROUGH".equals(tlsMode);
        }

        boolean admitsNamespace(String ns) {
            return namespaceFilter.equals("*") || namespaceFilter.equals(ns);
        }
    }

    /**
     * Collects the routes of one port by host. Several VirtualServices on one host merge in order
     * (oldest first); rules without a match are moved behind the others so that a catch-all of one
     * VirtualService does not hide the rules of the next, as Istio merges them. Ingress routes of a host
     * come after all of its VirtualService routes.
     */
    static final class ListenerBuilder {
        /** tls.httpsRedirect: 301 to the same host and path over https, whatever the request. */
        private static final Route HTTPS_REDIRECT = new Route("tls.httpsRedirect", List.of(),
                new RouteAction.Redirect(null, null, null, "https", 301));

        private final int port;
        private final String protocol;
        private final Map<String, List<Route>> routes = new LinkedHashMap<>();
        private final Map<String, List<String>> sources = new LinkedHashMap<>();
        private final Map<String, List<Route>> ingressRoutes = new LinkedHashMap<>();
        private final List<ServerTls> tls = new ArrayList<>();
        private final List<String> redirectHosts = new ArrayList<>();

        ListenerBuilder(int port, String protocol) {
            this.port = port;
            this.protocol = protocol;
        }

        void add(String host, String source, List<Route> r) {
            List<String> seen = sources.computeIfAbsent(host, h -> new ArrayList<>());
            if (seen.contains(source)) {
                return; // the same VirtualService reached this host through another server host
            }
            seen.add(source);
            routes.computeIfAbsent(host, h -> new ArrayList<>()).addAll(r);
        }

        void addTls(ServerTls t) {
            if (tls.stream().noneMatch(existing -> existing == t)) {
                tls.add(t);
            }
        }

        void redirectToHttps(String host) {
            redirectHosts.add(host);
        }

        boolean hasHost(String host) {
            return routes.containsKey(host);
        }

        void addIngress(Map<String, List<Route>> byHost) {
            ingressRoutes.putAll(byHost);
        }

        Listener build() {
            Map<String, List<Route>> merged = new LinkedHashMap<>();
            routes.forEach((host, list) -> {
                List<Route> ordered = list;
                if (sources.get(host).size() > 1) {
                    ordered = new ArrayList<>(list.stream().filter(r -> !r.matches().isEmpty()).toList());
                    ordered.addAll(list.stream().filter(r -> r.matches().isEmpty()).toList());
                }
                merged.put(host, new ArrayList<>(ordered));
            });
            ingressRoutes.forEach((host, list) -> merged.computeIfAbsent(host, h -> new ArrayList<>()).addAll(list));
            Map<String, VirtualHost> hosts = new LinkedHashMap<>();
            merged.forEach((host, list) -> hosts.put(host, new VirtualHost(host, list)));
            for (String host : redirectHosts) {
                hosts.put(host, new VirtualHost(host, List.of(HTTPS_REDIRECT)));
            }
            return Listener.of(port, protocol, hosts, tls.isEmpty() ? null : ListenerTls.of(tls));
        }
    }
}
