package io.sluice.e2e;

import io.sluice.mirror.MirrorSink;
import io.sluice.mirror.SinkSettings;
import io.sluice.testing.BookFiles;
import io.sluice.testing.KafkaFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;

/**
 * p99 latency through the gateway with 100 % mirroring divided by p99 without, in the same run: one
 * gateway, one backend, two hosts — {@code mockshop.com} (the book's 4b, mirrored to nginxdummy) and
 * {@code plain.com} (same backend, no mirror) — requests alternating between them from every client
 * thread, so both see the same machine load. mirror-sink replays the copies meanwhile, as in production.
 *
 * <p>Run with {@code bench/mirror-latency.sh [requests-per-host] [threads] [--no-sink]}; not a test (the
 * name does not match surefire's patterns).
 */
public final class MirrorLatencyBenchmark {

    private static final String PLAIN = """
            apiVersion: networking.istio.io/v1alpha3
            kind: Gateway
            metadata: {name: plain-gateway, namespace: chapter4}
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: 80, name: http, protocol: HTTP}
                hosts: ["plain.com"]
            ---
            apiVersion: networking.istio.io/v1alpha3
            kind: VirtualService
            metadata: {name: plain, namespace: chapter4}
            spec:
              hosts: ["plain.com"]
              gateways: [plain-gateway]
              http:
              - route:
                - destination: {host: envoydummy, subset: v1, port: {number: 80}}
            """;

    private MirrorLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int perHost = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        boolean withSink = !Arrays.asList(args).contains("--no-sink");
        try (SluiceCluster cluster = new SluiceCluster("bench")) {
            cluster.backend(MirrorEndToEndTest.V1, "envoydummy", "chapter4", "version", "v1");
            TestBackend shadow = cluster.backend(MirrorEndToEndTest.NGINX, "nginxdummy", "chapter4", "version", "v1");
            for (String yaml : List.of(BookFiles.read("01-envoy-proxy.yaml"),
                    BookFiles.read("utilities-nginx.yaml").replace("chapter5", "chapter4"),
                    BookFiles.read("4b-istio-gateway.yaml"), PLAIN)) {
                // a loaded machine can make the first write wait for the config topic's leader
                Awaitility.await("apply").atMost(Duration.ofSeconds(30)).until(() -> cluster.apply(yaml).statusCode() == 200);
            }
            MirrorSink sink = withSink ? MirrorSink.start(cluster.kafka, "127.0.0.1", 0, SinkSettings.defaults()) : null;
            Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> cluster.get("plain.com", "/").statusCode() == 200
                            && cluster.get("mockshop.com", "/").statusCode() == 200);
            int port = cluster.gateway.localPort(80);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            run(client, port, Math.max(1_000, perHost / 4), threads); // warm-up: JIT, connection pools, producer
            long sentBefore = cluster.gateway.mirror().sent();
            long droppedBefore = cluster.gateway.mirror().dropped();
            long[][] result = run(client, port, perHost, threads);
            long mirrored = cluster.gateway.mirror().sent() - sentBefore;
            long dropped = cluster.gateway.mirror().dropped() - droppedBefore;
            double p99Plain = percentile(result[0], 99);
            double p99Mirrored = percentile(result[1], 99);
            System.out.printf("requests per host %d, client threads %d, mirror-sink %s, cores %d%n", perHost, threads,
                    withSink ? "running" : "off", Runtime.getRuntime().availableProcessors());
            System.out.printf("%-22s %9s %9s %9s %9s%n", "", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms");
            print("plain.com (no mirror)", result[0]);
            print("mockshop.com (100 %)", result[1]);
            System.out.printf("copies sent %d, dropped %d, shadow answered %d so far%n", mirrored, dropped,
                    shadow.requests.get());
            System.out.printf("p99 ratio mirrored / plain = %.3f (goal <= 1.05)%n", p99Mirrored / p99Plain);
            if (sink != null) {
                sink.close();
            }
        } finally {
            KafkaFixture.stopBroker();
        }
        System.exit(0); // client and broker pools are not all daemon threads
    }

    /** Each thread alternates hosts; returns latencies in nanoseconds, [0] plain, [1] mirrored. */
    private static long[][] run(HttpClient client, int port, int perHost, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<long[][]>> parts = new ArrayList<>();
        int each = perHost / threads;
        for (int t = 0; t < threads; t++) {
            int offset = t;
            parts.add(pool.submit(() -> {
                long[][] lat = new long[2][each];
                HttpRequest plain = request(port, "plain.com");
                HttpRequest mirrored = request(port, "mockshop.com");
                for (int i = 0; i < each; i++) {
                    // alternate which host goes first, so neither always follows the other
                    boolean plainFirst = ((i + offset) & 1) == 0;
                    lat[plainFirst ? 0 : 1][i] = time(client, plainFirst ? plain : mirrored);
                    lat[plainFirst ? 1 : 0][i] = time(client, plainFirst ? mirrored : plain);
                }
                return lat;
            }));
        }
        long[][] all = new long[2][each * threads];
        for (int t = 0; t < threads; t++) {
            long[][] lat = parts.get(t).get();
            System.arraycopy(lat[0], 0, all[0], t * each, each);
            System.arraycopy(lat[1], 0, all[1], t * each, each);
        }
        pool.shutdown();
        return all;
    }

    private static HttpRequest request(int port, String host) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).header("Host", host).GET().build();
    }

    private static long time(HttpClient client, HttpRequest request) throws Exception {
        long start = System.nanoTime();
        HttpResponse<byte[]> res = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
        long took = System.nanoTime() - start;
        if (res.statusCode() != 200) {
            throw new IllegalStateException(request.headers().firstValue("Host") + " answered " + res.statusCode());
        }
        return took;
    }

    private static double percentile(long[] nanos, double p) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    private static void print(String name, long[] nanos) {
        System.out.printf("%-22s %9.3f %9.3f %9.3f %9.3f%n", name, percentile(nanos, 50), percentile(nanos, 90),
                percentile(nanos, 99), percentile(nanos, 99.9));
    }
}
