package io.sluice.registry;

import io.sluice.model.registry.Endpoint;
import io.sluice.model.registry.ServiceEndpoints;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Active HTTP health checks, for the services that ask for them with the annotation
 * {@code sluice.io/health-path: /healthz} on their Kubernetes Service or ServiceEntry. Every interval,
 * each endpoint of such a service gets {@code GET http://<address>:<port><path>}, where the port is the
 * endpoint's port for the service's first port. Like a Kubernetes readiness probe, 200-399 within the
 * timeout is healthy and anything else (another status, refused, timed out) unhealthy; one probe
 * decides. An endpoint not probed yet counts as healthy, so a new workload serves at once.
 *
 * <p>Unhealthy endpoints stay in the published list with {@code healthy: false} (gateways skip them);
 * a change of any verdict asks for a recompute. Probes run asynchronously on the HTTP client's
 * threads, so the timer never waits on a slow endpoint.
 */
final class HealthChecker {

    /** One thing to probe; services sharing an endpoint and path share the verdict. */
    record Probe(String address, int port, String path) {

        URI uri() {
            String host = address.indexOf(':') >= 0 ? "[" + address + "]" : address;
            return URI.create("http://" + host + ":" + port + path);
        }
    }

    private final HttpClient client;
    private final Duration timeout;
    private final Runnable onChange;
    private final Map<Probe, Boolean> verdicts = new ConcurrentHashMap<>();
    private volatile Set<Probe> probes = Set.of();

    HealthChecker(Duration interval, Runnable onChange) {
        this.timeout = interval.compareTo(Duration.ofSeconds(2)) < 0 ? interval : Duration.ofSeconds(2);
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
        this.onChange = onChange;
    }

    /**
     * Marks the endpoints of checked services with their last verdict and makes them the set to probe.
     *
     * @param paths service host → health path
     */
    Map<String, ServiceEndpoints> apply(Map<String, ServiceEndpoints> services, Map<String, String> paths) {
        Set<Probe> wanted = new HashSet<>();
        Map<String, ServiceEndpoints> out = new LinkedHashMap<>(services);
        paths.forEach((host, path) -> {
            ServiceEndpoints s = services.get(host);
            if (s == null || s.ports().isEmpty()) {
                return;
            }
            int servicePort = s.ports().getFirst().number();
            out.put(host, new ServiceEndpoints(s.schemaVersion(), s.host(), s.namespace(), s.source(), s.ports(),
                    s.location(), s.resolution(), s.endpoints().stream().map(e -> {
                        Probe p = new Probe(e.address(), e.portFor(servicePort), path);
                        wanted.add(p);
                        return new Endpoint(e.address(), e.ports(), e.labels(), verdicts.getOrDefault(p, true),
                                e.workload(), e.weight());
                    }).toList()));
        });
        probes = Set.copyOf(wanted);
        verdicts.keySet().retainAll(wanted);
        return out;
    }

    /** Starts one probe per endpoint; each verdict that changes asks for a recompute. */
    void probeAll() {
        for (Probe p : probes) {
            HttpRequest req = HttpRequest.newBuilder(p.uri()).timeout(timeout).GET().build();
            client.sendAsync(req, HttpResponse.BodyHandlers.discarding())
                    .handle((res, error) -> error == null && res.statusCode() >= 200 && res.statusCode() < 400)
                    .thenAccept(healthy -> {
                        Boolean before = verdicts.put(p, healthy);
                        // not probed before counted as healthy, so only a failure is news then
                        if (probes.contains(p) && !healthy.equals(before == null ? Boolean.TRUE : before)) {
                            onChange.run();
                        }
                    });
        }
    }
}
