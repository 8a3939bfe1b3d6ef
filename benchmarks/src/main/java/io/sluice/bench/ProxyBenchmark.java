package io.sluice.bench;

import io.sluice.bench.floor.FloorProxy;
import io.sluice.testing.BookFiles;
import io.sluice.testing.process.ProcessCluster;
import io.sluice.testing.process.ServiceProcess;
import io.sluice.testing.process.ServiceProcess.CpuTime;
import io.sluice.testing.process.ServiceProcess.Module;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Proxy throughput and latency, side by side in one run: {@code wrk} on loopback against (a) a
 * backend directly, (b) nginx, (c) HAProxy and (d) a Sluice ingress gateway node serving the book's
 * 4a, all with the same 10/90 canary split over the same two nginx backends; then (e, f) the two floors
 * of a JVM proxy ({@link io.sluice.bench.floor.FloorProxy}), which show how much of the gap to nginx is
 * the gateway's work and how much the JVM's I/O model. Every target gets the
 * same warm-up and the same measured run, over which the CPU time of its process (workers included)
 * and of the backends is counted per request: what each proxy costs, which unlike req/s does not
 * depend on how the shared cores were divided in that run. The warm-up is long because the gateway's JIT is: on two
 * shared cores C2 still recompiles the request path 15–20 s into the load (a profile after 8 s showed a
 * third of the gateway's CPU in compiler threads); nginx and HAProxy lose nothing by waiting.
 *
 * <p>{@code ProxyBenchmark [seconds=15] [connections=64] [warmupSeconds=30]}; the configs are in bench/.
 */
public final class ProxyBenchmark {

    /** The backends' sockets; port 10000 is the targetPort of the book's envoydummy Service. */
    static final String V1 = "127.0.10.1:10000";
    static final String V2 = "127.0.10.2:10000";
    static final String V1_BODY = "Bootstrap Service Mesh Implementation with Istio";

    private ProxyBenchmark() {
    }

    /**
     * @param cpuUsPerRequest        the target's CPU time per request, user and system
     * @param systemCpuUsPerRequest  of that, the kernel's
     */
    record Result(String target, double rps, double p50Ms, double p99Ms, double v1Share, double cpuUsPerRequest,
                  double systemCpuUsPerRequest, double backendCpuUsPerRequest) {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 30;
        Path root = ProcessCluster.repositoryRoot();
        Report report = new Report("Proxy: wrk through each proxy, canary 10/90 over two nginx backends");
        Path work = Files.createTempDirectory("sluice-proxy");
        List<Process> daemons = new ArrayList<>();
        List<Result> results = new ArrayList<>();
        try (ProcessCluster sluice = ProcessCluster.start(work.resolve("sluice"), 1, false, Report.jvmOptions())) {
            Process backends = daemon(work, "backends", List.of("nginx", "-p", work.toString(), "-c",
                    config(root, work, "nginx-backends.conf", 0)));
            daemons.add(backends);
            int nginxPort = ProcessCluster.freePort();
            Process nginxProxy = daemon(work, "nginx", List.of("nginx", "-p", work.toString(), "-c",
                    config(root, work, "nginx-proxy.conf", nginxPort)));
            daemons.add(nginxProxy);
            int haproxyPort = ProcessCluster.freePort();
            Process haproxyProxy = daemon(work, "haproxy", List.of("haproxy", "-db", "-f",
                    config(root, work, "haproxy.cfg", haproxyPort)));
            daemons.add(haproxyProxy);
            Floor blockingFloor = Floor.start(root, work, "blocking");
            daemons.add(blockingFloor.process());
            Floor loopFloor = Floor.start(root, work, "loop");
            daemons.add(loopFloor.process());
            for (String f : List.of("01-envoy-proxy.yaml", "02-envoy-proxy.yaml", "4a-istio-gateway.yaml")) {
                sluice.apply(BookFiles.read(f));
            }
            sluice.apply(Files.readString(root.resolve("bench/sluice-workloads.yaml")));

            String direct = "http://" + V2 + "/";
            String nginx = "http://127.0.0.1:" + nginxPort + "/";
            String haproxy = "http://127.0.0.1:" + haproxyPort + "/";
            String gateway = sluice.gatewayUri(1, "/").toString();
            awaitSplit(gateway);
            for (String proxy : List.of(nginx, haproxy, blockingFloor.url(), loopFloor.url())) {
                double share = v1Share(proxy);
                if (share <= 0 || share >= 1) {
                    throw new IllegalStateException(proxy + " does not split over both backends: v1 share " + share);
                }
            }
            Load load = new Load(seconds, connections, warmup, backends.pid());
            results.add(load.run("(a) backend directly", direct, backends.pid()));
            results.add(load.run("(b) nginx " + version("nginx", "-v"), nginx, nginxProxy.pid()));
            results.add(load.run("(c) HAProxy " + version("haproxy", "-v"), haproxy, haproxyProxy.pid()));
            results.add(load.run("(d) Sluice ingress gateway (book 4a)", gateway, sluice.gateway(1).pid()));
            results.add(load.run("(e) JVM floor: blocking, virtual threads", blockingFloor.url(),
                    blockingFloor.process().pid()));
            results.add(load.run("(f) JVM floor: event loop", loopFloor.url(), loopFloor.process().pid()));
        } finally {
            daemons.forEach(p -> {
                p.destroy();
                try {
                    p.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                p.destroyForcibly();
            });
        }
        Result ng = results.get(1);
        Result ha = results.get(2);
        List<List<String>> rows = new ArrayList<>();
        for (Result r : results) {
            rows.add(List.of(r.target(), String.format(Locale.ROOT, "%,.0f", r.rps()), Report.ms(r.p50Ms()),
                    Report.ms(r.p99Ms()), ratio(r.rps(), ng.rps()), ratio(r.rps(), ha.rps()),
                    String.format(Locale.ROOT, "%.1f µs (%.1f)", r.cpuUsPerRequest(), r.systemCpuUsPerRequest()),
                    ratio(r.cpuUsPerRequest(), ng.cpuUsPerRequest()),
                    String.format(Locale.ROOT, "%.1f µs", r.backendCpuUsPerRequest()),
                    String.format(Locale.ROOT, "%.0f %%", r.v1Share() * 100)));
        }
        report.line(String.format(Locale.ROOT, "`wrk -t1 -c%d -d%ds --latency` after a %d s warm-up of the same; "
                + "`Host: mockshop.com`. nginx: 1 worker; HAProxy: 1 thread; both keep-alive to the backends "
                + "(configs in bench/). Sluice: one gateway node process (not pinned: the JVM may use "
                + "both cores), routes from the book's 4a applied through config-service, the backends as "
                + "WorkloadEntries (bench/sluice-workloads.yaml). Backends: one nginx worker, fixed bodies. "
                + "wrk, proxies and backends share the machine's cores. CPU per request: user + system time "
                + "of the target's processes (the backends' for (a)) over the measured run, from /proc, over "
                + "the requests wrk counted, the kernel's part in brackets; \"backends\": the same for the "
                + "two backends. (e) and (f): the least a JVM proxy can cost, bytes relayed with no HTTP work "
                + "(`io.sluice.bench.floor.FloorProxy`, the gateway's JVM options), blocking sockets on virtual "
                + "threads as Helidon serves, and one thread over a selector as nginx's worker.%n",
                connections, seconds, warmup));
        report.table(List.of("target", "req/s", "p50", "p99", "× nginx", "× HAProxy", "CPU per request (system)",
                "CPU × nginx", "backends' CPU per request", "v1 share (of 400)"), rows);
        report.publish("proxy");
    }

    private static String ratio(double a, double b) {
        return String.format(Locale.ROOT, "%.2f", a / b);
    }

    /** Writes bench/NAME with its placeholders filled into the work folder; returns the file. */
    private static String config(Path root, Path work, String name, int port) throws IOException {
        String text = Files.readString(root.resolve("bench").resolve(name))
                .replace("@PREFIX@", work.toString()).replace("@PORT@", Integer.toString(port))
                .replace("@V1@", V1).replace("@V2@", V2);
        Path file = work.resolve(name);
        Files.writeString(file, text);
        return file.toString();
    }

    /** Starts a proxy or the backends; fails at once if it exits within its first second (bad config, no FDs). */
    private static Process daemon(Path work, String name, List<String> command) throws Exception {
        Path log = work.resolve(name + ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (p.waitFor(1, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " exited with " + p.exitValue() + ":\n" + Files.readString(log));
        }
        return p;
    }

    /** A {@link FloorProxy} process, started with the gateway's JVM options on a port of its own. */
    private record Floor(Process process, String url) {

        static Floor start(Path root, Path work, String model) throws Exception {
            int port = ProcessCluster.freePort();
            List<String> options = Report.jvmOptions();
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(options.isEmpty() ? ServiceProcess.defaultJvmOptions(root, Module.GATEWAY_NODE) : options);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), FloorProxy.class.getName(), model,
                    Integer.toString(port), V1, V2));
            return new Floor(daemon(work, "floor-" + model, command), "http://127.0.0.1:" + port + "/");
        }
    }

    /** Waits until the gateway routes to both subsets (the registry joined the WorkloadEntries). */
    private static void awaitSplit(String url) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        double share = 0;
        while (System.nanoTime() < deadline) {
            try {
                share = v1Share(url);
            } catch (IOException e) {
                share = -1; // the listener for the Gateway's port opens once the table has it
            }
            if (share > 0 && share < 1) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the gateway at " + url + " does not split over both backends (v1 share "
                + share + ")");
    }

    /** The share of 400 requests answered by v1, or -1 if any request failed. */
    private static double v1Share(String url) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest get = HttpRequest.newBuilder(URI.create(url)).header("Host", "mockshop.com")
                .timeout(Duration.ofSeconds(5)).build();
        int v1 = 0;
        for (int i = 0; i < 400; i++) {
            HttpResponse<String> res = http.send(get, HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                return -1;
            }
            v1 += res.body().equals(V1_BODY) ? 1 : 0;
        }
        return v1 / 400.0;
    }

    /** The same load for every target: a warm-up, then the measured run with the CPU it cost. */
    private record Load(int seconds, int connections, int warmup, long backendsPid) {

        /** @param pid the process whose CPU (with its children's) the target's requests cost */
        Result run(String target, String url, long pid) throws Exception {
            wrk(url, warmup, connections);
            CpuTime before = ServiceProcess.cpuTime(pid);
            CpuTime backendsBefore = ServiceProcess.cpuTime(backendsPid);
            String out = wrk(url, seconds, connections);
            CpuTime cpu = ServiceProcess.cpuTime(pid).minus(before);
            CpuTime backends = ServiceProcess.cpuTime(backendsPid).minus(backendsBefore);
            double requests = number(out, "(\\d+) requests in");
            return new Result(target, number(out, "Requests/sec:\\s+([\\d.]+)"), latency(out, "50"),
                    latency(out, "99"), v1Share(url), cpu.totalMillis() * 1000 / requests,
                    cpu.systemMillis() * 1000 / requests, backends.totalMillis() * 1000 / requests);
        }
    }

    private static String wrk(String url, int seconds, int connections) throws Exception {
        Process p = new ProcessBuilder("wrk", "-t1", "-c" + connections, "-d" + seconds + "s", "--latency",
                "-H", "Host: mockshop.com", url).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0 || !out.contains("Requests/sec")) {
            throw new IllegalStateException("wrk failed against " + url + ":\n" + out);
        }
        if (out.contains("Non-2xx") || out.contains("Socket errors")) {
            System.err.println("wrk reported errors against " + url + ":\n" + out);
        }
        return out;
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no " + regex + " in\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }

    /** A line of wrk's latency distribution, e.g. {@code 99%    3.21ms}, in milliseconds. */
    private static double latency(String text, String percent) {
        Matcher m = Pattern.compile("(?m)^\\s+" + percent + "%\\s+([\\d.]+)(us|ms|s)\\s*$").matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("no " + percent + "% latency in\n" + text);
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "ms" -> v;
            default -> v * 1000;
        };
    }

    private static String version(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            Matcher m = Pattern.compile("(\\d+\\.\\d+\\.\\d+)").matcher(out);
            return m.find() ? m.group(1) : "";
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }
}
