package io.sluice.bench;

import io.sluice.kafka.KafkaSettings;
import io.sluice.kafka.TopicAdmin;
import io.sluice.model.Json;
import io.sluice.model.Manifests;
import io.sluice.model.Resource;
import io.sluice.model.registry.Endpoint;
import io.sluice.model.registry.ServiceEndpoints;
import io.sluice.model.registry.ServicePort;
import io.sluice.testing.process.ProcessCluster;
import io.sluice.testing.process.ServiceProcess;
import io.sluice.testing.process.ServiceProcess.Module;
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

    private static final List<String> JVM = Report.jvmOptions();

    private ScaleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int objects = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        Report report = new Report("Scale: gateway node start-up and memory");
        Path root = ProcessCluster.repositoryRoot();
        Path work = Files.createTempDirectory("sluice-scale");
        int kafkaPort = ProcessCluster.freePort();
        ServiceProcess broker = ServiceProcess.start(root, work.resolve("logs"), "kafka", Module.BROKER, JVM,
                List.of(work.resolve("kafka").toString(), Integer.toString(kafkaPort), Integer.toString(ProcessCluster.freePort())),
                Map.of());
        List<List<String>> rows = new ArrayList<>();
        try {
            KafkaSettings kafka = KafkaSettings.of("127.0.0.1:" + kafkaPort);
            TopicAdmin.ensureTopics(kafka, Duration.ofMinutes(2));
            for (int r = 1; r <= runs; r++) {
                rows.add(measure(root, work, kafka, "empty topics (idle node), run " + r));
            }
            long start = System.nanoTime();
            long records = produce(kafka, objects);
            System.err.printf(Locale.ROOT, "produced %d records in %.1f s%n", records, (System.nanoTime() - start) / 1e9);
            for (int r = 1; r <= runs; r++) {
                rows.add(measure(root, work, kafka, String.format(Locale.ROOT,
                        "%,d VirtualServices + %,d Services + %,d registry records, run %d", objects, objects, objects, r)));
            }
        } finally {
            broker.stop();
        }
        report.line("A new gateway node process against a broker that already "
                + "holds the records; ready = `GET /healthz/ready` answers 200 (both topics read to the end, table "
                + "compiled, listeners open). Time counts from the process start, JVM start-up included. RSS from "
                + "/proc at ready and 5 s later.\n");
        report.table(List.of("topics hold", "start → ready", "RSS at ready", "RSS 5 s later", "config revision served"),
                rows);
        report.publish("scale");
    }

    private static List<String> measure(Path root, Path work, KafkaSettings kafka, String what) throws Exception {
        int status = ProcessCluster.freePort();
        long start = System.nanoTime();
        ServiceProcess gateway = ServiceProcess.start(root, work.resolve("logs"), "gateway", Module.GATEWAY_NODE, JVM,
                List.of("--kafka", kafka.bootstrapServers(), "--role", "ingress", "--node-id", "scale",
                        "--port-offset", Integer.toString(ProcessCluster.freePort() - 80), "--status-port", Integer.toString(status)),
                Map.of());
        try {
            String base = "http://127.0.0.1:" + status;
            ProcessCluster.awaitReady(base);
            double readyMs = (System.nanoTime() - start) / 1e6;
            long rssReady = gateway.rssKib();
            Thread.sleep(5_000);
            long rssLater = gateway.rssKib();
            String revision = Json.MAPPER.readTree(ProcessCluster.get(base + "/status").body()).path("configRevision")
                    .asText();
            return List.of(what, Report.ms(readyMs), Report.mib(rssReady), Report.mib(rssLater), revision);
        } finally {
            gateway.stop();
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
                batch.append("""
                        ---
                        apiVersion: v1
                        kind: Service
                        metadata: {name: svc-%1$d, namespace: scale}
                        spec:
                          selector: {app: svc-%1$d}
                          ports: [{name: http, port: 80, targetPort: 8080}]
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
