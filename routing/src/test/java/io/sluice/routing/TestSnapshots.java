package io.sluice.routing;

import io.sluice.model.Manifests;
import io.sluice.model.Resource;
import io.sluice.model.ResourceKey;
import io.sluice.model.registry.Endpoint;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.model.registry.ServicePort;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.sluice.testing.BookFiles;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Builds snapshots and route tables from YAML text, the way config-service would store it. */
final class TestSnapshots {

    private TestSnapshots() {
    }

    /**
     * Decodes every document and stamps creation times in document order, so that "applied first" means
     * "older" as in a real cluster. A later document with the key of an earlier one replaces it and keeps
     * its creation time, as {@code kubectl apply} does.
     */
    static List<Resource> apply(String... yamls) {
        Map<ResourceKey, Resource> byKey = new LinkedHashMap<>();
        int[] clock = {0};
        for (String yaml : yamls) {
            for (Resource r : decode(yaml)) {
                Resource previous = byKey.get(r.key());
                String created = previous != null ? previous.metadata().creationTimestamp()
                        : "2024-01-01T00:00:%02dZ".formatted(clock[0]++);
                byKey.put(r.key(), r.withMetadata(r.metadata().withServerFields("uid", created, 1L, null)));
            }
        }
        return List.copyOf(byKey.values());
    }

    /** Decodes every document with one creation time for all, to exercise the tie-break by name. */
    static List<Resource> createdTogether(String yaml) {
        return decode(yaml).stream()
                .map(r -> r.withMetadata(r.metadata().withServerFields("uid", "2024-01-01T00:00:00Z", 1L, null)))
                .toList();
    }

    private static List<Resource> decode(String yaml) {
        try {
            return Manifests.decode(yaml, "default").stream()
                    .map(d -> switch (d) {
                        case Manifests.Accepted a -> a.resource();
                        default -> throw new IllegalArgumentException("not accepted: " + d);
                    })
                    .toList();
        } catch (Manifests.MalformedException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A Gateway {@code gw} serving every host on port 80, and a document separator after it. */
    static final String GATEWAY = """
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: gw}
            spec:
              selector: {istio: ingressgateway}
              servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
            ---
            """;

    /** {@link #GATEWAY}, and a VirtualService sending all it serves to {@code svc}. */
    static final String ROUTE_TO_SVC = GATEWAY + """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata: {name: vs}
            spec:
              hosts: ["*"]
              gateways: [gw]
              http: [{route: [{destination: {host: svc}}]}]
            """;

    static ConfigSnapshot snapshot(List<Resource> resources, ServiceEndpoints... services) {
        return new ConfigSnapshot(resources, 1, Arrays.stream(services)
                .collect(Collectors.toMap(ServiceEndpoints::host, Function.identity())), 1);
    }

    static RouteTable ingressTable(List<Resource> resources, ServiceEndpoints... services) {
        return RouteCompiler.compile(snapshot(resources, services), NodeIdentity.ingress("ingress-0"));
    }

    /** A Kubernetes Service with one port and the given endpoints. */
    static ServiceEndpoints service(String name, String namespace, int port, Endpoint... endpoints) {
        return new ServiceEndpoints(1, name + "." + namespace + ".svc.cluster.local", namespace, "Service",
                List.of(new ServicePort(port, null, "HTTP")), "MESH_INTERNAL", "STATIC", List.of(endpoints));
    }

    static Endpoint endpoint(String address, int port, String... labels) {
        Map<String, String> l = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            l.put(labels[i], labels[i + 1]);
        }
        return new Endpoint(address, Map.of(80, port), l, true, address);
    }

    /** A file of the book's Chapter 4 (see {@link BookFiles}). */
    static String book(String file) {
        return BookFiles.read(file);
    }

    /** The route a request takes on a gateway port, or null when the host or no rule matches. */
    static Route route(RouteTable table, TestRequest request) {
        Listener listener = table.listener(request.port());
        VirtualHost vh = listener == null ? null : listener.virtualHost(request.host());
        return vh == null ? null : vh.route(request);
    }

    /** The host of the cluster a request is forwarded to for a draw of 0, or null. */
    static String forwardedHost(RouteTable table, TestRequest request) {
        Route r = route(table, request);
        return r != null && r.action() instanceof RouteAction.Forward f ? f.pick(0).cluster().host() : null;
    }
}
