package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.model.Json;
import io.sluice.model.registry.Workload;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * How long a registry change takes to be used by a gateway: from the registration request
 * ({@code POST /v1/workloads}) until the gateway's current route table has the endpoint, and from the
 * deregistration until it is gone. The path is REST → workloads topic → registry-service recompute →
 * registry topic → gateway compile → table swap, on the shared real broker.
 *
 * <p>Not part of the normal test run (surefire only picks up {@code *Test}); run it with
 * {@code mvn -o verify -pl e2e -Dtest=RegistryPropagationBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * and optionally {@code -Dsamples=200}.
 */
class RegistryPropagationBenchmark {

    @Test
    void registryChangeReachesTheGateway() throws Exception {
        int samples = Integer.getInteger("samples", 200);
        int warmup = 20;
        try (SluiceCluster cluster = new SluiceCluster("registry-bench")) {
            assertEquals(200, cluster.apply(RegistryEndToEndTest.MESH + """
                    ---
                    apiVersion: networking.istio.io/v1
                    kind: VirtualService
                    metadata: {name: bench, namespace: bench}
                    spec:
                      hosts: [bench.example.com]
                      gateways: [shop/shop-gateway]
                      http: [{route: [{destination: {host: bench}}]}]
                    """).statusCode());
            cluster.backend("bench", "bench", "bench");
            Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .until(() -> cluster.get("bench.example.com", "/").statusCode() == 200);
            List<Long> added = new ArrayList<>();
            List<Long> removed = new ArrayList<>();
            for (int i = 0; i < warmup + samples; i++) {
                // an endpoint nobody connects to: only its appearance in the table is measured
                Workload w = new Workload("bench", "bench", "127.0.0.1", 20_000 + i, 80, Map.of());
                String authority = "127.0.0.1:" + w.port();
                long add = time(() -> send(cluster, "POST", w),
                        () -> cluster.gateway.routes().current().dump().contains(authority));
                long remove = time(() -> send(cluster, "DELETE", w),
                        () -> !cluster.gateway.routes().current().dump().contains(authority));
                if (i >= warmup) {
                    added.add(add);
                    removed.add(remove);
                }
            }
            System.out.println("registry change -> gateway route table, " + samples + " samples, "
                    + Runtime.getRuntime().availableProcessors() + " cores");
            System.out.println("  register:   " + summary(added));
            System.out.println("  deregister: " + summary(removed));
        }
    }

    private static void send(SluiceCluster cluster, String method, Workload w) {
        var res = SluiceCluster.send(HttpRequest.newBuilder(URI.create(cluster.registryUrl() + "/v1/workloads"))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.write(w))).build());
        if (res.statusCode() != 200) {
            throw new IllegalStateException(method + " " + res.statusCode() + " " + res.body());
        }
    }

    /** Nanoseconds from the start of {@code action} until {@code done} holds, polled every 100 µs. */
    private static long time(Runnable action, BooleanSupplier done) {
        long start = System.nanoTime();
        action.run();
        long deadline = start + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the gateway did not see the change within 30 s");
            }
            LockSupport.parkNanos(100_000);
        }
        return System.nanoTime() - start;
    }

    private static String summary(List<Long> nanos) {
        List<Long> s = nanos.stream().sorted().toList();
        return "p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms".formatted(ms(s, 0.50), ms(s, 0.90), ms(s, 0.99),
                s.getLast() / 1e6);
    }

    private static double ms(List<Long> sorted, double q) {
        return sorted.get((int) Math.ceil(q * sorted.size()) - 1) / 1e6;
    }
}
