package io.sluice.routing;

import io.sluice.model.Json;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKind;
import io.sluice.model.istio.GatewaySpec;
import io.sluice.model.istio.VirtualServiceSpec;
import io.sluice.model.registry.ServiceEndpoints;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The route table of an ingress or egress gateway node, with what it was compiled from: the node's
 * Gateway servers, each port's routes by host, which hosts each VirtualService serves and which
 * registry names its routes looked up. The everyday changes, edited VirtualServices, changed
 * endpoints and DestinationRules, are then {@link #update applied} by compiling just the
 * VirtualServices they touch and rebuilding the hosts those serve; the rest of the table is reused.
 */
final class GatewayTable {

    private final NodeIdentity node;
    private final List<ServerBinding> servers;
    /** The delegates of the snapshot compiled whole; a change that involves one compiles whole again. */
    private final Delegation delegation;
    /** In {@link ConfigSnapshot#MERGE_ORDER}: the first rule for a host wins. */
    private List<Resource> destinationRules;
    private List<Resource> secrets;
    /** The Ingresses this node serves, in {@link ConfigSnapshot#MERGE_ORDER}; none but on an ingress gateway. */
    private List<Resource> ingresses;
    private final boolean ingressGateway;
    private final boolean unregisteredByName;
    private ServiceDirectory directory;
    private HttpRouteCompiler http;
    private TlsRouteCompiler tls;
    private final Map<Integer, ListenerBuilder> listeners = new LinkedHashMap<>();
    private final Map<Integer, Map<String, TcpRoute>> passthrough = new LinkedHashMap<>();
    /** Plain TCP server ports, with the route the first VirtualService to claim each gave it (or none). */
    private final Map<Integer, TcpRoute> plainTcp = new LinkedHashMap<>();
    /** Every VirtualService compiled, by {@code ns/name}: the merge order of a host's sources. */
    private final Map<String, Resource> virtualServices = new HashMap<>();
    /** Where each VirtualService's routes went, by {@code ns/name}. */
    private final Map<String, List<PortHost>> served = new HashMap<>();
    /** The registry names each VirtualService's routes looked up, by {@code ns/name}. */
    private final Map<String, Set<String>> lookedUp = new HashMap<>();
    /** The other way round: by registry name, the VirtualServices whose routes looked it up. */
    private final Map<String, Set<String>> lookedUpBy = new HashMap<>();
    private final Comparator<String> mergeOrder =
            Comparator.comparing(virtualServices::get, ConfigSnapshot.MERGE_ORDER);
    private RouteTable table;

    private record PortHost(int port, String host) {
    }

    private GatewayTable(ConfigSnapshot snapshot, NodeIdentity node, OutboundPolicy outbound) {
        this.node = node;
        this.servers = selectedServers(snapshot, node);
        this.delegation = Delegation.of(snapshot.ofKind(ResourceKind.VIRTUAL_SERVICE));
        this.destinationRules = snapshot.ofKind(ResourceKind.DESTINATION_RULE);
        this.secrets = snapshot.ofKind(ResourceKind.SECRET);
        this.ingressGateway = node.ingressGateway();
        this.ingresses = servedIngresses(snapshot.ofKind(ResourceKind.INGRESS));
        this.unregisteredByName = node.enforcesOutboundPolicy() && outbound == OutboundPolicy.ALLOW_ANY;
        use(directory(snapshot.services()));
    }

    private List<Resource> servedIngresses(List<Resource> all) {
        return ingressGateway ? all.stream().filter(IngressCompiler::served).toList() : List.of();
    }

    private ServiceDirectory directory(Map<String, ServiceEndpoints> services) {
        ServiceDirectory d = new ServiceDirectory(services, ServiceDirectory.rulesFor(destinationRules, node), secrets,
                node.labels());
        if (unregisteredByName) {
            d.reachUnregisteredHostsByName();
        }
        return d;
    }

    private void use(ServiceDirectory d) {
        directory = d;
        http = new HttpRouteCompiler(d, node);
        tls = new TlsRouteCompiler(d, node);
    }

    /** Compiles the whole table of a gateway node. */
    static GatewayTable compile(ConfigSnapshot snapshot, NodeIdentity node) {
        OutboundPolicy outbound = RouteCompiler.outboundPolicy(snapshot);
        GatewayTable t = new GatewayTable(snapshot, node, outbound);
        ServiceDirectory directory = t.directory;
        for (ServerBinding s : t.servers) {
            if (s.plainTcp()) {
                t.plainTcp.putIfAbsent(s.port(), null);
                continue;
            }
            if (s.passthrough()) {
                t.passthrough.computeIfAbsent(s.port(), p -> new LinkedHashMap<>());
                continue;
            }
            ListenerBuilder b = t.listeners.computeIfAbsent(s.port(), p -> new ListenerBuilder(p, s.protocol()));
            if (s.tls() != null) {
                b.addTls(s.tls());
            }
            if (s.httpsRedirect()) {
                b.redirectToHttps(s.host());
            }
        }
        for (ServerBinding s : t.servers) {
            if (s.autoPassthrough()) {
                AutoPassthrough.addRoutes(s.host(), s.port(), directory, snapshot.services(),
                        t.passthrough.get(s.port()));
            }
        }
        for (Resource vs : snapshot.ofKind(ResourceKind.VIRTUAL_SERVICE)) {
            t.add(vs, false);
        }
        if (!t.ingresses.isEmpty()) {
            // a served Ingress is answered on port 80 even with no Gateway there: unknown hosts get 404
            Map<String, List<Route>> routes = new IngressCompiler(directory).compile(t.ingresses);
            t.listeners.computeIfAbsent(IngressCompiler.PORT, p -> new ListenerBuilder(p, IngressCompiler.PROTOCOL))
                    .useIngress(routes);
            List<ServerTls> tls = IngressCompiler.tls(t.ingresses);
            if (!tls.isEmpty()) {
                ListenerBuilder https = t.listeners.computeIfAbsent(IngressCompiler.TLS_PORT,
                        p -> new ListenerBuilder(p, IngressCompiler.TLS_PROTOCOL));
                tls.forEach(https::addTls);
                https.useIngress(routes);
            }
        }
        Map<Integer, Listener> compiled = new LinkedHashMap<>();
        t.listeners.forEach((port, b) -> compiled.put(port, b.build()));
        Map<Integer, SniRouter> sni = new LinkedHashMap<>();
        t.passthrough.forEach((port, routes) -> sni.put(port, SniRouter.of(port, routes)));
        t.plainTcp.forEach((port, route) -> sni.put(port, SniRouter.plainTcp(port, route)));
        t.table = new RouteTable(snapshot.configRevision(), snapshot.registryRevision(), compiled, sni, outbound);
        return t;
    }

    RouteTable table() {
        return table;
    }

    /**
     * Whether a change to this VirtualService can be {@link #update applied}: not when it routes streams on
     * a passthrough or plain TCP server, whose routes are compiled with the whole table, nor when it
     * delegates or is a delegate, whose rules other VirtualServices' routes are made of.
     */
    boolean updatable(Resource virtualService) {
        VirtualServiceSpec spec = Json.spec(virtualService, VirtualServiceSpec.class);
        if (Delegation.involved(spec)) {
            return false;
        }
        List<String> refs = gatewayRefs(virtualService, spec);
        return servers.stream().noneMatch(s -> (s.passthrough() || s.plainTcp()) && binds(s, refs, virtualService));
    }

    /**
     * Whether a change to the registry, DestinationRules or Secrets can be {@link #useDirectory applied}:
     * not with passthrough routes, which are compiled from them with the whole table.
     */
    boolean directoryUpdatable() {
        return table.passthrough().isEmpty();
    }

    /**
     * Whether these Ingress changes can be {@link #update applied}: not when the node starts or stops
     * serving Ingresses at all, which opens or closes port 80, nor when their TLS servers change, which
     * changes port 443's certificates; both with the whole table.
     */
    boolean ingressUpdatable(ResourceEdits edits) {
        if (edits.isEmpty()) {
            return true;
        }
        List<Resource> next = servedIngresses(edits.applyTo(ingresses));
        return ingresses.isEmpty() == next.isEmpty() && IngressCompiler.tls(ingresses).equals(IngressCompiler.tls(next));
    }

    /**
     * Switches to a new registry view, DestinationRules and Secrets, and says which VirtualServices must
     * be recompiled for them: those whose routes looked up a name that changed in the registry, whose
     * rule changed, or whose rule names a changed Secret as its credential. A Secret no rule names (a
     * Gateway's certificate, read by the node outside the table) recompiles nothing.
     *
     * @param changed the registry names added, removed or changed since the last table
     * @param rules   the DestinationRules changed since the last table
     * @param secrets the Secrets changed since the last table
     */
    List<Resource> useDirectory(Map<String, ServiceEndpoints> services, Set<String> changed, ResourceEdits rules,
                                ResourceEdits secrets) {
        destinationRules = rules.applyTo(destinationRules);
        this.secrets = secrets.applyTo(this.secrets);
        ServiceDirectory next = directory(services);
        Set<String> names = new HashSet<>(changed);
        names.addAll(next.namesWithOtherRules(directory));
        if (!secrets.isEmpty()) {
            names.addAll(next.namesWithCredentials(secrets.names()));
        }
        use(next);
        Set<String> sources = new HashSet<>();
        for (String name : names) {
            sources.addAll(lookedUpBy.getOrDefault(name, Set.of()));
        }
        return sources.stream().map(virtualServices::get).toList();
    }

    /**
     * The table after some VirtualServices changed, or need recompiling for a registry change, and
     * nothing else did. Leaves this object describing the new table; a failure part way leaves it
     * unusable, and the caller compiles the whole table next.
     *
     * @param removed           the old versions of the VirtualServices to recompile or delete, all
     *                          {@link #updatable}
     * @param added             the new versions of the VirtualServices to recompile or create, all
     *                          {@link #updatable}
     * @param ingressEdits      the Ingresses changed, all {@link #ingressUpdatable}
     * @param directoryReplaced whether {@link #useDirectory} switched the registry view or rules: the
     *                          Ingresses' routes are compiled again with it, all of them (they are few
     *                          where VirtualServices are many)
     */
    RouteTable update(Collection<Resource> removed, Collection<Resource> added, ResourceEdits ingressEdits,
                      boolean directoryReplaced, long configRevision, long registryRevision) {
        Map<Integer, Set<String>> changed = new HashMap<>();
        if (!ingressEdits.isEmpty() || (directoryReplaced && !ingresses.isEmpty())) {
            ingresses = servedIngresses(ingressEdits.applyTo(ingresses));
            if (!ingresses.isEmpty()) {
                Map<String, List<Route>> routes = new IngressCompiler(directory).compile(ingresses);
                changed.computeIfAbsent(IngressCompiler.PORT, p -> new HashSet<>()).addAll(
                        listeners.get(IngressCompiler.PORT).useIngress(routes));
                if (!IngressCompiler.tls(ingresses).isEmpty()) {
                    changed.computeIfAbsent(IngressCompiler.TLS_PORT, p -> new HashSet<>()).addAll(
                            listeners.get(IngressCompiler.TLS_PORT).useIngress(routes));
                }
            }
        }
        for (Resource vs : removed) {
            String source = vs.namespace() + "/" + vs.name();
            for (PortHost ph : served.getOrDefault(source, List.of())) {
                listeners.get(ph.port()).remove(ph.host(), source);
                changed.computeIfAbsent(ph.port(), p -> new HashSet<>()).add(ph.host());
            }
            served.remove(source);
            for (String name : lookedUp.getOrDefault(source, Set.of())) {
                Set<String> by = lookedUpBy.get(name);
                by.remove(source);
                if (by.isEmpty()) {
                    lookedUpBy.remove(name);
                }
            }
            lookedUp.remove(source);
            virtualServices.remove(source);
        }
        for (Resource vs : added) {
            for (PortHost ph : add(vs, true)) {
                changed.computeIfAbsent(ph.port(), p -> new HashSet<>()).add(ph.host());
            }
        }
        Map<Integer, Listener> next = new LinkedHashMap<>(table.listeners());
        changed.forEach((port, hosts) -> next.put(port, listeners.get(port).rebuild(hosts)));
        table = new RouteTable(configRevision, registryRevision, next, table.passthrough(), table.outbound());
        return table;
    }

    /**
     * Compiles one VirtualService onto every server it binds. A full compile adds in merge order; an
     * update inserts each host's routes at their place in it.
     */
    private List<PortHost> add(Resource vs, boolean inMergeOrder) {
        VirtualServiceSpec spec = delegation.expand(vs.namespace(), Json.spec(vs, VirtualServiceSpec.class));
        List<String> refs = gatewayRefs(vs, spec);
        String source = vs.namespace() + "/" + vs.name();
        virtualServices.put(source, vs);
        List<PortHost> out = new ArrayList<>();
        directory.record();
        for (ServerBinding s : servers) {
            // a redirecting server answers every request itself (Envoy's require_tls)
            if (s.httpsRedirect() || !binds(s, refs, vs)) {
                continue;
            }
            if (s.plainTcp()) {
                boolean common = spec.hosts().stream()
                        .anyMatch(h -> HostMatcher.intersect(s.host(), h.toLowerCase(Locale.ROOT)) != null);
                TcpRoute route = common ? tls.compileTcp(source, vs.namespace(), spec.tcp(), s.gatewayRef(), s.port())
                        : null;
                if (route != null) {
                    plainTcp.merge(s.port(), route, TcpRoute::chain);
                }
                continue;
            }
            if (s.passthrough()) {
                tls.compile(source, vs.namespace(), spec.hosts(), spec.tls(), s.gatewayRef(), s.port(), s.host(),
                        passthrough.get(s.port()));
                continue;
            }
            List<Route> routes = null;
            for (String vsHost : spec.hosts()) {
                String host = HostMatcher.intersect(s.host(), vsHost.toLowerCase(Locale.ROOT));
                PortHost at = host == null ? null : new PortHost(s.port(), host);
                if (at == null || out.contains(at)) {
                    continue; // no common host, or the same host reached through another server host
                }
                if (routes == null) {
                    routes = http.compile(source, vs.namespace(), spec.http(), s.gatewayRef(), s.port());
                }
                ListenerBuilder b = listeners.get(s.port());
                if (inMergeOrder) {
                    b.insert(host, source, routes, mergeOrder);
                } else {
                    b.add(host, source, routes);
                }
                out.add(at);
            }
        }
        served.put(source, out);
        Set<String> names = directory.recorded();
        lookedUp.put(source, names);
        names.forEach(name -> lookedUpBy.computeIfAbsent(name, n -> new HashSet<>()).add(source));
        return out;
    }

    private static List<String> gatewayRefs(Resource vs, VirtualServiceSpec spec) {
        return (spec.gateways().isEmpty() ? List.of(NodeIdentity.MESH) : spec.gateways())
                .stream().map(g -> GatewayRefs.resolve(g, vs.namespace())).toList();
    }

    private static boolean binds(ServerBinding s, List<String> refs, Resource vs) {
        return refs.contains(s.gatewayRef()) && s.admitsNamespace(vs.namespace());
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
                ServerTls serverTls = terminates
                        ? ServerTls.of(server, bindings.stream().map(ServerBinding::host).toList()) : null;
                // Istio honours httpsRedirect on plain-text servers only
                boolean redirect = protocol.equals("HTTP") && server.tls() != null
                        && Boolean.TRUE.equals(server.tls().httpsRedirect());
                bindings.forEach(b -> out.add(b.with(serverTls, redirect)));
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

        private static final Set<String> TCP_PROTOCOLS = Set.of("TCP", "MONGO", "MYSQL", "REDIS");

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

        /** Opaque TCP relayed to one route (protocol TCP, or a TCP-based one Istio only counts bytes of). */
        boolean plainTcp() {
            return TCP_PROTOCOLS.contains(protocol) && tlsMode == null;
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
}
