package io.sluice.bench;

import io.sluice.kafka.KafkaSettings;
import io.sluice.kafka.TopicAdmin;
import io.sluice.kafka.Topics;
import io.sluice.model.Json;
import io.sluice.model.Manifests;
import io.sluice.model.Resource;
import io.sluice.model.registry.Endpoint;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.model.registry.ServicePort;
import io.sluice.testing.process.ProcessCluster;
import io.sluice.testing.process.ServiceProcess;
import io.sluice.testing.process.ServiceProcess.Module;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Scale: how long a fresh gateway node process takes to be ready (read both topics to the end,
 * compile, listen) and how much memory it holds, idle and with 10 000 VirtualServices, 10 000
 * Services and their 10 000 registry records in Kafka. The records are produced straight into the
 * topics in the form config-service and registry-service write them.
 *
 * <p>{@code ScaleBenchmark [objects=10000] [runs=3]}
 */
public final class ScaleBenchmark {

    /** The gateway's: the AOT runs add to them, so the defaults are spelled out. */
    private static final List<String> JVM = Report.jvmOptions().isEmpty()
            ? ServiceProcess.defaultJvmOptions(ProcessCluster.repositoryRoot(), Module.GATEWAY_NODE)
            : Report.jvmOptions();

    private ScaleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int objects = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Report report = new Report("Scale: gateway node start-up and memory");
        Path root = ProcessCluster.repositoryRoot();
        Path work = Files.createTempDirectory("sluice-scale");
        int kafkaPort = ProcessCluster.freePort();
        ServiceProcess broker = ServiceProcess.start(root, work.resolve("logs"), "kafka", Module.BROKER, List.of(),
                List.of(work.resolve("kafka").toString(), Integer.toString(kafkaPort), Integer.toString(ProcessCluster.freePort())),
                Map.of());
        List<List<String>> rows = new ArrayList<>();
        try {
            KafkaSettings kafka = KafkaSettings.of("127.0.0.1:" + kafkaPort);
            TopicAdmin.ensureTopics(kafka, Duration.ofMinutes(2));
            // the idle node reads topics of its own, left empty
            TopicAdmin.ensureTopics(kafka.withTopics(Topics.withPrefix(IDLE_PREFIX)), Duration.ofMinutes(2));
            long start = System.nanoTime();
            long records = produce(kafka, objects);
            System.err.printf(Locale.ROOT, "produced %d records in %.1f s%n", records, (System.nanoTime() - start) / 1e9);
            String full = String.format(Locale.ROOT, "%,d VirtualServices + %,d Services + %,d registry records",
                    objects, objects, objects);
            for (int r = 1; r <= runs; r++) {
                rows.add(measure(root, work, kafka, IDLE_PREFIX, JVM, "empty topics (idle node), run " + r));
                rows.add(measure(root, work, kafka, null, JVM, full + ", run " + r));
            }
            // as ./sluice up on JDK 25+: a first run records the AOT cache, later runs start from it
            Path cache = work.resolve("gateway-node.aot");
            train(root, work, kafka, cache);
            List<String> aot = new ArrayList<>(JVM);
            aot.addAll(List.of("-XX:AOTCache=" + cache, "-Xlog:aot*=error"));
            for (int r = 1; r <= runs; r++) {
                rows.add(measure(root, work, kafka, IDLE_PREFIX, aot, "empty topics (idle node), AOT cache, run " + r));
                rows.add(measure(root, work, kafka, null, aot, full + ", AOT cache, run " + r));
            }
        } finally {
            broker.stop();
        }
        report.line("A new gateway node process against a broker that already "
                + "holds the records; ready = `GET /healthz/ready` answers 200 (both topics read to the end, table "
                + "compiled, listeners open). Time counts from the process start, JVM start-up included; CPU is "
                + "the process's user + system time at ready (all threads: JIT and GC included), which unlike the "
                + "time does not depend on what else the machine runs. RSS from /proc at ready and 5 s later. "
                + "\"AOT cache\": started as `./sluice up` starts gateways on JDK 25+, from a JDK AOT cache "
                + "recorded by an earlier run of the same gateway against these topics.\n");
        report.table(List.of("topics hold", "start → ready", "CPU to ready", "RSS at ready", "RSS 5 s later",
                "config revision served"), rows);
        report.publish("scale");
    }

    private static final String IDLE_PREFIX = "idle.";

    private static ServiceProcess gateway(Path root, Path work, KafkaSettings kafka, String topicPrefix,
                                          List<String> jvm, int statusPort) {
        List<String> args = new ArrayList<>(List.of("--kafka", kafka.bootstrapServers(), "--role", "ingress",
                "--node-id", "scale", "--port-offset", Integer.toString(ProcessCluster.freePort() - 80),
                "--status-port", Integer.toString(statusPort)));
        if (topicPrefix != null) {
            args.addAll(List.of("--topic-prefix", topicPrefix));
        }
        return ServiceProcess.start(root, work.resolve("logs"), "gateway", Module.GATEWAY_NODE, jvm, args, Map.of());
    }

    /** One run with {@code -XX:AOTCacheOutput}: to ready, then a clean stop, which writes the cache. */
    private static void train(Path root, Path work, KafkaSettings kafka, Path cache) throws Exception {
        int status = ProcessCluster.freePort();
        List<String> jvm = new ArrayList<>(JVM);
        jvm.addAll(List.of("-XX:AOTCacheOutput=" + cache, "-Xlog:aot*=error"));
        ServiceProcess gateway = gateway(root, work, kafka, null, jvm, status);
        try {
            ProcessCluster.awaitReady("http://127.0.0.1:" + status);
        } finally {
            gateway.stop(Duration.ofMinutes(3));
        }
        if (!Files.isRegularFile(cache)) {
            throw new IllegalStateException("the training run wrote no AOT cache; see " + gateway.log());
        }
    }

    private static List<String> measure(Path root, Path work, KafkaSettings kafka, String topicPrefix,
                                        List<String> jvm, String what) throws Exception {
        int status = ProcessCluster.freePort();
        long start = System.nanoTime();
        ServiceProcess gateway = gateway(root, work, kafka, topicPrefix, jvm, status);
        try {
            String base = "http://127.0.0.1:" + status;
            awaitReady(base);
            double readyMs = (System.nanoTime() - start) / 1e6;
            long cpuMs = gateway.cpuMillis();
            long rssReady = gateway.rssKib();
            Thread.sleep(5_000);
            long rssLater = gateway.rssKib();
            String revision = Json.MAPPER.readTree(ProcessCluster.get(base + "/status").body()).path("configRevision")
                    .asText();
            return List.of(what, Report.ms(readyMs), Report.ms(cpuMs), Report.mib(rssReady), Report.mib(rssLater),
                    revision);
        } finally {
            gateway.stop();
        }
    }

    /** Polls /healthz/ready every 10 ms: the time measured is the node's, not the poll interval's. */
    private static void awaitReady(String base) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            try {
                if (ProcessCluster.get(base + "/healthz/ready").statusCode() == 200) {
                    return;
                }
            } catch (UncheckedIOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(base + " not ready within 2 minutes");
            }
            Thread.sleep(10);
        }
    }

    /** Writes a Gateway, then {@code n} Services, VirtualServices and registry records; returns how many. */
    private static long produce(KafkaSettings kafka, int n) throws Exception {
        Map<String, Object> props = kafka.reliableProducer("sluice-scale-benchmark");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        long count = 0;
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(props)) {
            count += send(p, kafka.topics().config(), """
                    apiVersion: networking.istio.io/v1beta1
                    kind: Gateway
                    metadata: {name: scale-gateway, namespace: scale}
                    spec:
                      selector: {istio: ingressgateway}
                      servers:
                      - port: {number: 80, name: http, protocol: HTTP}
                        hosts: ["*"]
                    """);
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < n; i++) {
                batch.append(service(i)).append("""
                        ---
                        apiVersion: networking.istio.io/v1beta1
                        kind: VirtualService
                        metadata: {name: vs-%1$d, namespace: scale}
                        spec:
                          hosts: ["svc-%1$d.example.com"]
                          gateways: [scale-gateway]
                          http:
                          - match: [{uri: {prefix: /v2}}]
                            route: [{destination: {host: svc-%1$d, port: {number: 80}}}]
                            headers: {request: {set: {x-version: v2}}}
                          - route: [{destination: {host: svc-%1$d, port: {number: 80}}}]
                        """.formatted(i));
                if (i % 500 == 499 || i == n - 1) {
                    count += send(p, kafka.topics().config(), batch.toString());
                    batch.setLength(0);
                }
                String host = "svc-" + i + ".scale.svc.cluster.local";
                ServiceEndpoints endpoints = new ServiceEndpoints(Json.SCHEMA_VERSION, host, "scale", "Service",
                        List.of(new ServicePort(80, "http", "HTTP")), "MESH_INTERNAL", "STATIC", List.of(
                        new Endpoint("127.0.0.1", Map.of(80, 20_000 + i % 1000), Map.of("app", "svc-" + i), true, null),
                        new Endpoint("127.0.0.2", Map.of(80, 20_000 + i % 1000), Map.of("app", "svc-" + i), true, null)));
                p.send(new ProducerRecord<>(kafka.topics().registry(), host, Json.write(endpoints)));
                count++;
            }
            p.flush();
        }
        return count;
    }

    /** Service {@code svc-i} of namespace {@code scale}, selecting its workloads by {@code app: svc-i}, as a YAML document. */
    static String service(int i) {
        return """
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: svc-%1$d, namespace: scale}
                spec:
                  selector: {app: svc-%1$d}
                  ports: [{name: http, port: 80, targetPort: 8080}]
                """.formatted(i);
    }

    /** Sends every document of {@code yaml} as config-service would store it; returns how many. */
    private static int send(KafkaProducer<String, byte[]> p, String topic, String yaml) throws Exception {
        int sent = 0;
        for (Manifests.Decoded d : Manifests.decode(yaml, "default")) {
            if (!(d instanceof Manifests.Accepted a)) {
                throw new IllegalStateException("benchmark document rejected: " + d);
            }
            Resource r = a.resource();
            p.send(new ProducerRecord<>(topic, r.key().topicKey(), Json.toRecord(r)));
            sent++;
        }
        return sent;
    }
}
