package io.sluice.bench;

import io.sluice.upstream.ConnectionPool;
import io.sluice.upstream.Destination;
import io.sluice.upstream.HeaderList;
import io.sluice.upstream.OutgoingBody;
import io.sluice.upstream.UpstreamResponse;
import io.sluice.testing.process.ProcessCluster;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.LockSupport;

/**
 * Propagation: how long after config-service acknowledged a write does every gateway node answer the
 * new route. Starts the topology as processes (broker, config-service, registry-service, three ingress
 * nodes), then applies a new VirtualService (a direct response for a new host) once per sample; from
 * the apply's response on, one prober per node asks that node for the host until it answers 200. A
 * sample is the time from the apply's response to the last node's first 200.
 *
 * <p>{@code PropagationBenchmark [samples=200] [warmup=20] [pauseMs=0] [routes=0]}: {@code pauseMs} between measured
 * samples lets each change meet a system at rest (the nodes' status reports and the registry's recompute
 * of the previous one done), as config changes usually do; 0 applies back to back, which measures the
 * topology saturated by its own writes. Warm-up samples always run back to back: the change path runs
 * once per sample, and the JIT compiles by invocation counts, so only many changes get all seven JVMs
 * past their compile thresholds (paced 200 ms apart, 600 warm-up samples still left each JVM 130-420
 * compilations, some of them C2 ones taking a core for 100s of ms, inside the measured samples). Each
 * warm-up route is deleted once answered, so the table is measured at its size, not the warm-up's.
 * {@code routes} VirtualServices of other hosts are applied before the warm-up: a change is measured
 * against a table of that size, as in a gateway serving many hosts.
 */
public final class PropagationBenchmark {

    private static final String GATEWAY = """
            apiVersion: networking.istio.io/v1beta1
            kind: Gateway
            metadata: {name: bench-gateway, namespace: bench}
            spec:
              selector: {istio: ingressgateway}
              servers:
              - port: {number: 80, name: http, protocol: HTTP}
                hosts: ["*"]
            """;
    /**
     * Between two probes of one node: a millisecond's resolution (the result is up to 1 ms late, 0.5 ms
     * on average) for a probing load the two shared cores hardly notice.
     */
    private static final long PROBE_PAUSE_NANOS = 1_000_000;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    private PropagationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        long pauseMs = args.length > 2 ? Long.parseLong(args[2]) : 0;
        int routes = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        Report report = new Report("Propagation: apply → new route answered by all three gateway nodes");
        Path work = Files.createTempDirectory("sluice-propagation");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<String> jvm = Report.jvmOptions();
        try (ProcessCluster cluster = ProcessCluster.start(work, 3, false, jvm);
             ExecutorService probers = Executors.newFixedThreadPool(3);
             ConnectionPool probeConnections = new ConnectionPool()) {
            cluster.apply(GATEWAY); // retried while config-service warms up
            applyBackground(http, cluster, routes);
            for (int i = 0; i < warmup; i++) {
                String host = "w" + i + ".bench.example";
                sample(http, cluster, probers, probeConnections, host);
                // the table keeps the size it will be measured at: a change's compile grows with it
                send(http, cluster, "/delete", virtualService(host));
            }
            // the warm-up's garbage goes now: a collection of the probers' own JVM would stall a sample
            // (one did, 26 ms), and the measured samples allocate far less than a young generation
            System.gc();
            double[][] perNode = new double[samples][];
            long[] sentAt = new long[samples];
            for (int i = 0; i < samples; i++) {
                Thread.sleep(pauseMs);
                sentAt[i] = System.currentTimeMillis();
                perNode[i] = sample(http, cluster, probers, probeConnections, "p" + i + ".bench.example");
            }
            double[] all = new double[samples];
            double[] first = new double[samples];
            for (int i = 0; i < samples; i++) {
                all[i] = Arrays.stream(perNode[i]).max().orElseThrow();
                first[i] = Arrays.stream(perNode[i]).min().orElseThrow();
            }
            writeTrace(work.resolve("samples.csv"), sentAt, perNode);
            Arrays.sort(all);
            Arrays.sort(first);
            report.line("Each sample applies one new VirtualService (`POST /apply`, one Kafka transaction) and times "
                    + "from config-service's response until each node answers the new host with 200 (each node "
                    + "probed from the acknowledgement on, every 1 ms, over a kept-alive connection of the gateway's own upstream client). " + samples + " samples after " + warmup + " warm-up ones, "
                    + (pauseMs == 0 ? "back to back" : pauseMs + " ms apart") + " (warm-up back to back, each warm-up route deleted once answered); "
                    + routes + " VirtualServices of other hosts in the table throughout.\n");
            report.table(List.of("", "p50", "p90", "p99", "max"), List.of(
                    row("all three nodes answer", all),
                    row("first node answers", first)));
        }
        report.publish("propagation");
    }

    private static List<String> row(String what, double[] sorted) {
        return List.of(what, Report.ms(Report.percentile(sorted, 50)), Report.ms(Report.percentile(sorted, 90)),
                Report.ms(Report.percentile(sorted, 99)), Report.ms(sorted[sorted.length - 1]));
    }

    /**
     * One line per measured sample, to line a slow one up with the processes' GC and FINE logs: when its
     * apply was sent (the acknowledgement, where its clock starts, follows a config write later) and each
     * node's figure.
     */
    private static void writeTrace(Path file, long[] startedAt, double[][] perNode) throws IOException {
        StringBuilder csv = new StringBuilder("started_utc,host,ms_per_node\n");
        for (int i = 0; i < perNode.length; i++) {
            csv.append(Instant.ofEpochMilli(startedAt[i])).append(",p").append(i).append(".bench.example");
            for (double ms : perNode[i]) {
                csv.append(',').append(String.format(Locale.ROOT, "%.2f", ms));
            }
            csv.append('\n');
        }
        Files.writeString(file, csv);
        System.err.println("per-sample trace: " + file);
    }

    /** Applies {@code routes} VirtualServices of hosts no sample uses, many to a request, and waits until every node serves them. */
    private static void applyBackground(HttpClient http, ProcessCluster cluster, int routes) throws Exception {
        int perApply = 500;
        for (int from = 0; from < routes; from += perApply) {
            StringBuilder yaml = new StringBuilder();
            for (int i = from; i < Math.min(routes, from + perApply); i++) {
                yaml.append(virtualService("bg" + i + ".bench.example")).append("---\n");
            }
            send(http, cluster, "/apply", yaml.toString());
            System.err.printf(Locale.ROOT, "applied %d of %d background routes%n", Math.min(routes, from + perApply), routes);
        }
        if (routes > 0) { // the last one answered everywhere: the table holds them all
            HeaderList headers = new HeaderList().add("host", "bg" + (routes - 1) + ".bench.example");
            try (ConnectionPool pool = new ConnectionPool()) {
                for (int n = 1; n <= cluster.gatewayCount(); n++) {
                    Destination gateway = new Destination("127.0.0.1", cluster.gatewayHttpPort(n), null);
                    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                    while (!answers(pool, gateway, headers)) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("ingress-" + n + " never served the background routes");
                        }
                        Thread.sleep(50);
                    }
                }
            }
        }
    }

    /** Applies a route for {@code host} and returns, per node, the milliseconds from the acknowledgement to its first 200. */
    private static double[] sample(HttpClient http, ProcessCluster cluster, ExecutorService probers,
                                   ConnectionPool probeConnections, String host) throws Exception {
        long[] answered = new long[cluster.gatewayCount()];
        CountDownLatch acknowledged = new CountDownLatch(1);
        List<Future<?>> probes = new ArrayList<>();
        for (int n = 1; n <= cluster.gatewayCount(); n++) {
            int node = n;
            probes.add(probers.submit(() -> {
                // the clock starts at the acknowledgement: probing while the write is on its way measures
                // nothing and takes the cores the write and the nodes need
                acknowledged.await();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                IOException last = null;
                Destination gateway = new Destination("127.0.0.1", cluster.gatewayHttpPort(node), null);
                HeaderList headers = new HeaderList().add("host", host);
                while (System.nanoTime() < deadline) {
                    try {
                        if (answers(probeConnections, gateway, headers)) {
                            answered[node - 1] = System.nanoTime();
                            return null;
                        }
                    } catch (IOException e) {
                        last = e; // a refused or reset probe connection: the node is up, ask again
                    }
                    LockSupport.parkNanos(PROBE_PAUSE_NANOS);
                }
                if (last != null) {
                    throw new IllegalStateException("ingress-" + node + " never answered " + host, last);
                }
                throw new IllegalStateException("ingress-" + node + " never answered " + host);
            }));
        }
        long acked = send(http, cluster, "/apply", virtualService(host));
        acknowledged.countDown();
        for (Future<?> f : probes) {
            f.get();
        }
        return Arrays.stream(answered).mapToDouble(t -> Math.max(0, t - acked) / 1e6).toArray();
    }

    /** Whether the node answers a GET for the host in {@code headers} with 200. */
    private static boolean answers(ConnectionPool pool, Destination gateway, HeaderList headers) throws IOException {
        try (UpstreamResponse res = pool.send(gateway, PROBE_TIMEOUT, PROBE_TIMEOUT, "GET", "/", headers,
                OutgoingBody.NONE, false)) {
            res.body().readAllBytes();
            return res.status() == 200;
        }
    }

    /** A direct response for {@code host}, named after its first label. */
    private static String virtualService(String host) {
        String name = host.substring(0, host.indexOf('.'));
        return """
                apiVersion: networking.istio.io/v1beta1
                kind: VirtualService
                metadata: {name: %s, namespace: bench}
                spec:
                  hosts: ["%s"]
                  gateways: [bench-gateway]
                  http:
                  - directResponse: {status: 200, body: {string: "%s"}}
                """.formatted(name, host, name);
    }

    /**
     * POSTs YAML to config-service's {@code /apply} or {@code /delete} directly (no retry layer between
     * the reply and the clock) and returns {@link System#nanoTime()} when the acknowledgement arrived.
     */
    private static long send(HttpClient http, ProcessCluster cluster, String path, String yaml)
            throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(cluster.configUrl() + path))
                .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(), HttpResponse.BodyHandlers.ofString());
        long acked = System.nanoTime();
        if (res.statusCode() != 200) {
            throw new IllegalStateException(path + " answered " + res.statusCode() + ": " + res.body());
        }
        return acked;
    }
}
