package io.sluice.testing.process;

import io.sluice.testing.TestDirectories;
import io.sluice.testing.process.ServiceProcess.Module;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.awaitility.Awaitility;

/**
 * The docker-compose topology without Docker: a Kafka broker, config-service, registry-service, N
 * ingress gateway nodes and optionally mirror-sink, each its own OS process on loopback ports of its
 * own, plus demo backends ({@code sluice backend}) started on demand. Used by the system tests and the
 * benchmarks; {@link #close()} ends every process it started.
 */
public final class ProcessCluster implements AutoCloseable {

    /** Where the modules are: {@code -Dsluice.root}, else the first parent of the working directory with the sluice script. */
    public static Path repositoryRoot() {
        String configured = System.getProperty("sluice.root");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("sluice")) && Files.isDirectory(p.resolve("gateway-node"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the Sluice repository above " + Path.of("").toAbsolutePath()
                + "; set -Dsluice.root");
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final Path root;
    private final Path workDir;
    private final List<String> jvmOptions;
    private final int kafkaPort = freePort();
    private final int configPort = freePort();
    private final int registryPort = freePort();
    private final List<Integer> gatewayHttpPorts = new ArrayList<>();
    private final List<Integer> statusPorts = new ArrayList<>();
    private final List<ServiceProcess> started = new ArrayList<>();
    private ServiceProcess broker;
    private ServiceProcess config;
    private ServiceProcess registry;
    private final List<ServiceProcess> gateways = new ArrayList<>();

    private ProcessCluster(Path workDir, List<String> jvmOptions) {
        this.root = repositoryRoot();
        this.workDir = workDir;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /**
     * Starts the topology on an empty broker and waits until every service is ready; a start that fails
     * half way ends what it started.
     *
     * @param workDir    the broker's data and every process's log ({@code logs/NAME.log}); whatever a
     *                   previous run left there is deleted first
     * @param jvmOptions for every Sluice service, e.g. {@code -Xmx256m}; none for each one's own, as
     *                   {@code ./sluice up} starts it. The broker always runs with its own.
     */
    public static ProcessCluster start(Path workDir, int gateways, boolean mirrorSink, List<String> jvmOptions) {
        try {
            TestDirectories.deleteTree(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException("clearing " + workDir, e);
        }
        ProcessCluster c = new ProcessCluster(workDir, jvmOptions);
        try {
            c.startAll(gateways, mirrorSink);
            return c;
        } catch (RuntimeException | Error e) {
            c.started.forEach(ServiceProcess::kill);
            throw e;
        }
    }

    private void startAll(int gatewayCount, boolean mirrorSink) {
        broker = launch("kafka", Module.BROKER, List.of(workDir.resolve("kafka").toString(),
                Integer.toString(kafkaPort), Integer.toString(freePort())), Map.of());
        awaitBroker();
        config = launch("config-service", Module.CONFIG_SERVICE,
                List.of("--kafka", bootstrap(), "--config-port", Integer.toString(configPort)), Map.of());
        registry = launch("registry-service", Module.REGISTRY_SERVICE,
                List.of("--kafka", bootstrap(), "--registry-port", Integer.toString(registryPort)), Map.of());
        for (int i = 1; i <= gatewayCount; i++) {
            gatewayHttpPorts.add(freePort());
            statusPorts.add(freePort());
            gateways.add(launch("ingress-" + i, Module.GATEWAY_NODE, List.of("--kafka", bootstrap(),
                    "--role", "ingress", "--node-id", "ingress-" + i,
                    // Gateway port 80 is served on 80 + offset
                    "--port-offset", Integer.toString(gatewayHttpPorts.get(i - 1) - 80),
                    "--status-port", Integer.toString(statusPorts.get(i - 1))), Map.of()));
        }
        if (mirrorSink) {
            launch("mirror-sink", Module.MIRROR_SINK,
                    List.of("--kafka", bootstrap(), "--mirror-port", Integer.toString(freePort())), Map.of());
        }
        awaitReady(configUrl());
        awaitReady(registryUrl());
        for (int i = 1; i <= gatewayCount; i++) {
            awaitReady(statusUrl(i));
        }
    }

    private ServiceProcess launch(String name, Module module, List<String> args, Map<String, String> env) {
        List<String> jvm = module == Module.BROKER ? List.<String>of() : jvmOptions;
        ServiceProcess p = ServiceProcess.start(root, workDir.resolve("logs"), name, module, jvm, args, env);
        started.add(p);
        return p;
    }

    /**
     * A {@code sluice backend}: any request answers 200 with {@code body}; registered as a workload of
     * {@code service.namespace} with the labels, heartbeating while it runs.
     */
    public ServiceProcess backend(String name, String body, String serviceDotNamespace, String... labels) {
        int port = freePort();
        List<String> args = new ArrayList<>(List.of("backend", "--port", Integer.toString(port), "--body", body,
                "--register", serviceDotNamespace));
        for (String l : labels) {
            args.add("--label");
            args.add(l);
        }
        ServiceProcess p = ServiceProcess.start(root, workDir.resolve("logs"), name, Module.CLI, jvmOptions, args,
                Map.of("SLUICE_REGISTRY_URL", registryUrl()));
        started.add(p);
        return p;
    }

    public String bootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    public ServiceProcess broker() {
        return broker;
    }

    public ServiceProcess configService() {
        return config;
    }

    public ServiceProcess registryService() {
        return registry;
    }

    /** Gateway node {@code i}, counted from 1 ({@code ingress-i}). */
    public ServiceProcess gateway(int i) {
        return gateways.get(i - 1);
    }

    public int gatewayCount() {
        return gateways.size();
    }

    public String configUrl() {
        return "http://127.0.0.1:" + configPort;
    }

    public String registryUrl() {
        return "http://127.0.0.1:" + registryPort;
    }

    /** Where gateway node {@code i} serves the Gateway port 80. */
    public URI gatewayUri(int i, String path) {
        return URI.create("http://127.0.0.1:" + gatewayHttpPorts.get(i - 1) + path);
    }

    public int gatewayHttpPort(int i) {
        return gatewayHttpPorts.get(i - 1);
    }

    /** Gateway node {@code i}'s status port root, e.g. {@code …/status}, {@code …/healthz/ready}. */
    public String statusUrl(int i) {
        return "http://127.0.0.1:" + statusPorts.get(i - 1);
    }

    /** Waits (up to 2 minutes: JVMs start slowly on a loaded machine) until {@code base/healthz/ready} answers 200. */
    public static void awaitReady(String base) {
        Awaitility.await(base + "/healthz/ready").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .ignoreExceptions().until(() -> get(base + "/healthz/ready").statusCode() == 200);
    }

    /** Waits until the broker accepts connections (after a start or a restart). */
    public void awaitBroker() {
        Awaitility.await("Kafka broker on " + bootstrap()).atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress("127.0.0.1", kafkaPort), 500);
                        return true;
                    }
                });
    }

    /**
     * POSTs YAML to config-service's {@code /apply} and returns the reply's body. config-service refuses
     * a write with 503 while it cannot reach Kafka in time (a restarted broker, a starved machine); such
     * a write is tried again for up to a minute.
     */
    public String apply(String yaml) {
        HttpRequest post = HttpRequest.newBuilder(URI.create(configUrl() + "/apply")).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(yaml)).build();
        HttpResponse<String> res = Awaitility.await("config-service accepts the write").atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> HTTP.send(post, HttpResponse.BodyHandlers.ofString()), r -> r.statusCode() != 503);
        if (res.statusCode() != 200) {
            throw new IllegalStateException("apply answered " + res.statusCode() + ": " + res.body());
        }
        return res.body();
    }

    public static HttpResponse<String> get(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Ends every process, newest first (backends deregister, gateways before the broker). */
    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).stop();
        }
    }

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /**
     * A port nobody listens on now, below Linux's ephemeral range (32768–60999). A port the kernel
     * hands out for port 0 comes from that range, and until the process it is meant for binds it, any
     * outgoing connection (a Kafka client's, an HTTP client's) may be given it as its own local port:
     * a gateway's listener then failed with "Address already in use" (SystemTopologyIT, once). Never
     * the same port twice in a JVM: one is free only until its process binds it, seconds later, and a
     * gateway was once given config-service's port that way.
     */
    public static int freePort() {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 32_768);
            if (!HANDED_OUT.add(port)) {
                continue;
            }
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (IOException e) {
                // taken: try another
            }
        }
        throw new UncheckedIOException(new IOException("no free port between 20000 and 32767"));
    }
}
