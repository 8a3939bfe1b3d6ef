package io.sluice.model.validation;

import static io.sluice.model.validation.Findings.at;

import io.sluice.model.HostNames;
import io.sluice.model.Json;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKey;
import io.sluice.model.ResourceKind;
import io.sluice.model.istio.Destination;
import io.sluice.model.istio.DestinationRuleSpec;
import io.sluice.model.istio.GatewaySpec;
import io.sluice.model.istio.ServiceEntrySpec;
import io.sluice.model.istio.VirtualServiceSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Cross-object analysis as {@code istioctl analyze} does it: references from a VirtualService to
 * gateways, subsets and hosts that nothing defines. Each object is valid on its own and the order
 * of applying is free, so these are warnings, not errors.
 */
public final class Analyzer {

    /** The gateway name that means every sidecar rather than a Gateway object. */
    private static final String MESH = "mesh";

    private Analyzer() {
    }

    /** Analyzes with the hosts that {@code all} defines as the whole registry. */
    public static List<Warning> analyze(Collection<Resource> all, Collection<Resource> changed) {
        return analyze(all, changed, Set.of());
    }

    /**
     * Reports the warnings of the {@code changed} objects, resolved against {@code all} with the
     * changed versions in place. {@code knownHosts} are registry hosts not defined by {@code all},
     * such as Kubernetes services the registry watches; Services and ServiceEntries in {@code all}
     * count as known too.
     */
    public static List<Warning> analyze(Collection<Resource> all, Collection<Resource> changed,
                                        Set<String> knownHosts) {
        Map<ResourceKey, Resource> world = new LinkedHashMap<>();
        all.forEach(r -> world.put(r.key(), r));
        changed.forEach(r -> world.put(r.key(), r));
        return analyze(new Index(world.values(), knownHosts), changed);
    }

    /**
     * What the references of VirtualServices are resolved against, made once from a config and the
     * registry's hosts: a write of VirtualServices alone can be analysed against the index of the
     * config it changes, with no pass over the config.
     */
    public static Index index(Collection<Resource> all, Set<String> knownHosts) {
        return new Index(all, knownHosts);
    }

    /** Whether objects of this kind go into an {@link Index}: a change to other kinds leaves an index as it was. */
    public static boolean indexes(ResourceKind kind) {
        return switch (kind) {
            case GATEWAY, DESTINATION_RULE, SERVICE, SERVICE_ENTRY -> true;
            default -> false;
        };
    }

    /**
     * The warnings of the {@code changed} objects, resolved against an index that has them in place:
     * made with them, or from a config they do not change the index of (none is of a kind it {@link #indexes}).
     */
    public static List<Warning> analyze(Index index, Collection<Resource> changed) {
        List<Warning> out = new ArrayList<>();
        for (Resource r : changed) {
            if (r.kind() == ResourceKind.VIRTUAL_SERVICE) {
                bind(r, VirtualServiceSpec.class).ifPresent(spec -> virtualService(r, spec, index, out));
            }
        }
        return List.copyOf(out);
    }

    /** What the references of a VirtualService are resolved against; immutable once made. */
    public static final class Index {

        final Map<String, GatewaySpec> gateways = new LinkedHashMap<>();
        final List<Subsets> subsets = new ArrayList<>();
        /** Known hosts in lower case: names looked up by hash, wildcards (ServiceEntry hosts may be) matched one by one. */
        final Set<String> hosts = new HashSet<>();
        final List<String> wildcardHosts = new ArrayList<>();

        private Index(Collection<Resource> world, Set<String> knownHosts) {
            knownHosts.forEach(this::addHost);
            for (Resource r : world) {
                switch (r.kind()) {
                    case GATEWAY -> bind(r, GatewaySpec.class)
                            .ifPresent(g -> gateways.put(r.namespace() + "/" + r.name(), g));
                    case DESTINATION_RULE -> bind(r, DestinationRuleSpec.class)
                            .filter(dr -> dr.host() != null)
                            .ifPresent(dr -> subsets.add(new Subsets(
                                    HostNames.candidates(dr.host(), r.namespace()),
                                    dr.subsets().stream().map(DestinationRuleSpec.Subset::name).toList())));
                    case SERVICE -> addHost(HostNames.serviceFqdn(r.name(), r.namespace()));
                    case SERVICE_ENTRY -> bind(r, ServiceEntrySpec.class).ifPresent(se -> se.hosts().forEach(this::addHost));
                    default -> {
                    }
                }
            }
        }

        private void addHost(String host) {
            String h = host.toLowerCase(Locale.ROOT);
            if (h.startsWith("*")) {
                wildcardHosts.add(h);
            } else {
                hosts.add(h);
            }
        }

        /** Whether a known host covers one of the names a destination host may mean. */
        boolean knows(List<String> candidates) {
            for (String c : candidates) {
                String name = c.toLowerCase(Locale.ROOT);
                if (hosts.contains(name) || wildcardHosts.stream().anyMatch(w -> covers(w, name))) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The subset names one DestinationRule defines for the host it names. */
    private record Subsets(List<String> hosts, List<String> names) {
    }

    private static void virtualService(Resource r, VirtualServiceSpec spec, Index index, List<Warning> out) {
        String who = r.kind().kind() + " " + r.namespace() + "/" + r.name();
        for (int i = 0; i < spec.gateways().size(); i++) {
            String name = spec.gateways().get(i);
            if (name.equals(MESH)) {
                continue;
            }
            String key = gatewayKey(name, r.namespace());
            GatewaySpec gateway = index.gateways.get(key);
            if (gateway == null) {
                out.add(new Warning(Warning.REFERENCED_RESOURCE_NOT_FOUND, who, at("spec.gateways", i),
                        "Referenced gateway not found: \"" + name + "\""));
                continue;
            }
            String gatewayNamespace = key.substring(0, key.indexOf('/'));
            for (int h = 0; h < spec.hosts().size(); h++) {
                String host = spec.hosts().get(h);
                if (!covered(gateway, gatewayNamespace, r.namespace(), host)) {
                    out.add(new Warning(Warning.HOST_NOT_FOUND_IN_GATEWAY, who, at("spec.hosts", h), "host \"" + host
                            + "\" is not covered by any server of gateway \"" + key + "\""));
                }
            }
        }
        for (int i = 0; i < spec.http().size(); i++) {
            var http = spec.http().get(i);
            String path = at("spec.http", i);
            for (int j = 0; j < http.match().size(); j++) {
                var gateways = http.match().get(j).gateways();
                for (int k = 0; k < gateways.size(); k++) {
                    String name = gateways.get(k);
                    if (!name.equals(MESH) && !index.gateways.containsKey(gatewayKey(name, r.namespace()))) {
                        out.add(new Warning(Warning.REFERENCED_RESOURCE_NOT_FOUND, who, at(at(at(path, "match"), j) + ".gateways", k),
                                "Referenced gateway not found: \"" + name + "\""));
                    }
                }
            }
            for (int j = 0; j < http.route().size(); j++) {
                destination(http.route().get(j).destination(), at(at(path, "route"), j) + ".destination", r, who,
                        index, out);
            }
            destination(http.mirror(), at(path, "mirror"), r, who, index, out);
            for (int j = 0; j < http.mirrors().size(); j++) {
                destination(http.mirrors().get(j).destination(), at(at(path, "mirrors"), j) + ".destination", r,
                        who, index, out);
            }
        }
        for (int i = 0; i < spec.tls().size(); i++) {
            var route = spec.tls().get(i).route();
            for (int j = 0; j < route.size(); j++) {
                destination(route.get(j).destination(), at(at(at("spec.tls", i), "route"), j) + ".destination", r,
                        who, index, out);
            }
        }
        for (int i = 0; i < spec.tcp().size(); i++) {
            var route = spec.tcp().get(i).route();
            for (int j = 0; j < route.size(); j++) {
                destination(route.get(j).destination(), at(at(at("spec.tcp", i), "route"), j) + ".destination", r,
                        who, index, out);
            }
        }
    }

    private static void destination(Destination d, String path, Resource r, String who, Index index,
                                    List<Warning> out) {
        if (d == null || d.host() == null || d.host().isBlank()) {
            return;
        }
        List<String> candidates = HostNames.candidates(d.host(), r.namespace());
        if (!index.knows(candidates)) {
            out.add(new Warning(Warning.REFERENCED_RESOURCE_NOT_FOUND, who, path + ".host",
                    "Referenced host not found: \"" + d.host() + "\""));
        }
        if (d.subset() != null && index.subsets.stream().noneMatch(s -> s.names().contains(d.subset())
                && s.hosts().stream().anyMatch(h -> candidates.stream().anyMatch(c -> covers(h, c))))) {
            out.add(new Warning(Warning.REFERENCED_RESOURCE_NOT_FOUND, who, path + ".subset",
                    "Referenced host+subset in destinationrule not found: \""
                    + d.host() + "+" + d.subset() + "\""));
        }
    }

    /** Whether a server of the gateway admits the host for a VirtualService in {@code vsNamespace}. */
    private static boolean covered(GatewaySpec gateway, String gatewayNamespace, String vsNamespace, String host) {
        for (var server : gateway.servers()) {
            for (String serverHost : server.hosts()) {
                int slash = serverHost.indexOf('/');
                String ns = slash < 0 ? "*" : serverHost.substring(0, slash);
                boolean visible = ns.equals("*") || ns.equals(vsNamespace)
                        || (ns.equals(".") && gatewayNamespace.equals(vsNamespace));
                if (visible && covers(serverHost.substring(slash + 1), host)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Istio's host matching: {@code *} covers all, {@code *.x} covers every name ending in {@code .x}. */
    static boolean covers(String pattern, String host) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String h = host.toLowerCase(Locale.ROOT);
        if (p.equals("*") || p.equals(h)) {
            return true;
        }
        return p.startsWith("*.") && h.endsWith(p.substring(1));
    }

    private static String gatewayKey(String name, String namespace) {
        return name.indexOf('/') < 0 ? namespace + "/" + name : name;
    }

    /** Objects that do not bind are validation's business; the analysis passes over them. */
    private static <T> Optional<T> bind(Resource r, Class<T> type) {
        try {
            return Optional.ofNullable(Json.spec(r, type));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
