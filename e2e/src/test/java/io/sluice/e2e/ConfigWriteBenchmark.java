package io.sluice.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.config.ConfigService;
import io.sluice.kafka.KafkaSettings;
import io.sluice.kafka.Topics;
import io.sluice.testing.KafkaFixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Config-write latency, request to reply (the reply is sent only after Kafka acknowledged the write
 * and config-service's own view contains it), measured over real HTTP against one config-service on
 * the real broker. For comparison it also measures a bare acks=all produce on the same broker, the
 * floor any design pays.
 *
 * <p>Not a test: its name keeps it out of surefire's default run. Run it with
 * {@code mvn -o verify -pl e2e -Dtest=ConfigWriteBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * [-Dbench.samples=2000] [-Dbench.stored=0]}; it prints the percentiles. {@code bench.stored} VirtualServices
 * and as many Services are stored first: each write is then checked against a config of that size.
 */
class ConfigWriteBenchmark {

    private static final int WARMUP = 300;
    private static final int SAMPLES = Integer.getInteger("bench.samples", 2000);
    private static final int STORED = Integer.getInteger("bench.stored", 0);

    @Test
    void configWriteLatency() throws Exception {
        KafkaSettings kafka = KafkaSettings.of(KafkaFixture.bootstrapServers())
                .withTopics(Topics.withPrefix(KafkaFixture.uniquePrefix("bench")));
        try (ConfigService config = ConfigService.start(kafka, "127.0.0.1", 0, null)) {
            org.awaitility.Awaitility.await().until(config::ready);
            URI apply = URI.create("http://127.0.0.1:" + config.port() + "/apply");
            store(apply, STORED);
            for (int i = 0; i < WARMUP; i++) {
                write(apply, i);
            }
            long[] nanos = new long[SAMPLES];
            for (int i = 0; i < SAMPLES; i++) {
                long t0 = System.nanoTime();
                write(apply, WARMUP + i);
                nanos[i] = System.nanoTime() - t0;
            }
            report("config write (POST /apply, 1 VirtualService changed each time, " + STORED
                    + " VirtualServices and " + STORED + " Services stored)", nanos);
        }
        report("bare produce, acks=all, idempotent (floor)", bareProduce(kafka));
    }

    /** Stores {@code n} VirtualServices routing to {@code n} Services, 500 objects a request. */
    private static void store(URI apply, int n) {
        for (int from = 0; from < n; from += 250) {
            StringBuilder yaml = new StringBuilder();
            for (int i = from; i < Math.min(n, from + 250); i++) {
                yaml.append("""
                        apiVersion: v1
                        kind: Service
                        metadata: {name: svc%d, namespace: bench}
                        spec: {ports: [{port: 80, name: http}]}
                        ---
                        apiVersion: networking.istio.io/v1
                        kind: VirtualService
                        metadata: {name: vs%d, namespace: bench}
                        spec:
                          hosts: [h%d.example.com]
                          http: [{route: [{destination: {host: svc%d}}]}]
                        ---
                        """.formatted(i, i, i, i));
            }
            HttpResponse<String> res = SluiceCluster.send(HttpRequest.newBuilder(apply)
                    .POST(HttpRequest.BodyPublishers.ofString(yaml.toString())).build());
            assertEquals(200, res.statusCode(), "storing objects " + from + "…: " + res.body());
        }
    }

    /** Each write changes the object, so every sample is a real write, never "unchanged". */
    private static void write(URI apply, int i) {
        String yaml = """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: bench, namespace: bench}
                spec:
                  hosts: [bench.example.com]
                  http:
                  - route:
                    - destination: {host: bench.example.com}
                    headers: {request: {set: {x-bench: "%d"}}}
                """.formatted(i);
        HttpResponse<String> res = SluiceCluster.send(HttpRequest.newBuilder(apply)
                .POST(HttpRequest.BodyPublishers.ofString(yaml)).build());
        assertEquals(200, res.statusCode(), "write " + i + ": " + res.body());
    }

    private static long[] bareProduce(KafkaSettings kafka) throws Exception {
        Map<String, Object> props = new HashMap<>(kafka.reliableProducer("bench-floor"));
        long[] nanos = new long[SAMPLES];
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(props)) {
            byte[] value = new byte[400];
            for (int i = 0; i < WARMUP; i++) {
                p.send(new ProducerRecord<>(kafka.topics().status(), "bench", value)).get();
            }
            for (int i = 0; i < SAMPLES; i++) {
                long t0 = System.nanoTime();
                p.send(new ProducerRecord<>(kafka.topics().status(), "bench", value)).get();
                nanos[i] = System.nanoTime() - t0;
            }
        }
        return nanos;
    }

    private static void report(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf("BENCH %s: n=%d p50=%.2f ms p90=%.2f ms p99=%.2f ms max=%.2f ms%n", what, s.length,
                ms(s, 0.50), ms(s, 0.90), ms(s, 0.99), s[s.length - 1] / 1e6);
    }

    private static double ms(long[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] / 1e6;
    }
}
